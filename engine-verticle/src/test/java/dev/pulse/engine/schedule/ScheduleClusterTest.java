package dev.pulse.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.engine.EngineVerticle;
import dev.pulse.engine.fixture.EngineFixture;
import dev.pulse.engine.fixture.TestClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two engine nodes on one database tick on the same due times: each due run starts exactly once. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduleClusterTest {

  private static final int WORKFLOWS = 3;
  private static final int DUE_TIMES = 6;

  private EngineFixture fx;

  @Test
  void eachDueRunStartsExactlyOnceAcrossTwoNodes(Vertx vertx) {
    fx = new EngineFixture(vertx).with("SCHEDULER_TICK_MS", 20);
    fx.fleet.worker("web-01", "online");
    TestClock clock = new TestClock(Instant.parse("2026-03-02T08:00:30Z"));
    fx.deploy(new EngineVerticle(clock));
    fx.deploy(new EngineVerticle(clock));
    List<String> workflows = new ArrayList<>();
    for (int i = 0; i < WORKFLOWS; i++) {
      String id = fx.workflow("{\"steps\":[{\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"sync\"}]}");
      fx.engine.putSchedule(new JsonObject().put("workflow_id", id).put("cron", "* * * * *")).await();
      workflows.add(id);
    }

    for (int minute = 1; minute <= DUE_TIMES; minute++) {
      clock.set(Instant.parse("2026-03-02T08:00:00Z").plusSeconds(60L * minute));
      int expected = WORKFLOWS * minute;
      EngineFixture.awaitTrue(expected + " scheduled runs", 5_000, () -> count("schedule_runs") >= expected);
      EngineFixture.sleep(200);  // both nodes tick ten times more on the same due time
      assertEquals(expected, count("schedule_runs"), "runs recorded after minute " + minute);
      assertEquals(expected, scheduledExecutions(fx), "executions after minute " + minute);
    }

    Set<String> dueTimes = new HashSet<>();
    Set<String> nodes = new HashSet<>();
    for (Row row : fx.pool.query("SELECT workflow_id, due_at, execution_id, node FROM schedule_runs").execute().await()) {
      dueTimes.add(row.getString("workflow_id") + "@" + row.getLocalDateTime("due_at"));
      nodes.add(row.getString("node"));
    }
    assertEquals(WORKFLOWS * DUE_TIMES, dueTimes.size(), "one run per workflow and due time");
    assertEquals(WORKFLOWS * DUE_TIMES, count("executions"));
    System.out.println("scheduled runs were started by " + nodes.size() + " node(s)");
  }

  private int count(String table) {
    return fx.pool.query("SELECT COUNT(*) FROM " + table).execute().await().iterator().next().getInteger(0);
  }

  private static int scheduledExecutions(EngineFixture fx) {
    return fx.pool.query("SELECT COUNT(*) FROM executions WHERE started_by = 'scheduler'").execute().await()
        .iterator().next().getInteger(0);
  }
}
