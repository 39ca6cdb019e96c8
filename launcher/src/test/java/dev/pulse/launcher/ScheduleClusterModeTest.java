package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two clustered server nodes, each with an engine, on one database: every due schedule starts once. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ScheduleClusterModeTest {

  private static final int WORKFLOWS = 8;

  @Test
  void twoClusteredEnginesStartEachDueRunExactlyOnce() {
    DbConfig db = TestDatabase.fresh();
    String clusterName = "pulse-sched-" + UUID.randomUUID();
    Launched first = ServerMode.start(TwoNodeClusterTest.serverSettings(db, clusterName)
        .put("SCHEDULER_TICK_MS", 50), Set.of("api", "engine", "registry"));
    Launched second = null;
    Vertx vertx = Vertx.vertx();
    try {
      // The same DATA_DIR: both nodes hold the same dispatch key pair, as every server node must.
      second = ServerMode.start(TwoNodeClusterTest.serverSettings(db, clusterName).put("SCHEDULER_TICK_MS", 50),
          Set.of("engine"));
      try (Http http = new Http(first.httpPort())) {
        Await.until(Duration.ofSeconds(30), "both nodes in the cluster", () -> {
          Http.Response health = http.get("/health");
          return health.status() == 200 && health.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
              .anyMatch(c -> "cluster".equals(c.getString("id")) && c.getJsonObject("data").getInteger("nodes") == 2)
              ? Boolean.TRUE : null;
        });
        List<String> workflows = new ArrayList<>();
        for (int i = 0; i < WORKFLOWS; i++) {
          JsonObject workflow = new JsonObject().put("name", "nightly-" + i).put("definition", new JsonObject()
              .put("steps", new JsonArray().add(new JsonObject().put("type", "prompt").put("message", "Go?")
                  .put("options", new JsonArray().add("Yes").add("No")))));
          String id = new ApiDriver(http).createWorkflow(workflow);
          Http.Response put = http.send(HttpMethod.PUT, "/api/workflows/" + id + "/schedule",
              "{\"cron\":\"0 0 1 1 *\"}", ApiDriver.ADMIN);
          assertEquals(200, put.status(), put.body());
          workflows.add(id);
        }

        // Every schedule falls due at once on both engines, which tick every 50 ms.
        Pool pool = Database.pool(vertx, db);
        pool.query("UPDATE schedules SET next_run_at = UTC_TIMESTAMP()").execute().await();
        Await.until(Duration.ofSeconds(30), "a run per schedule",
            () -> count(pool, "SELECT COUNT(*) FROM executions") >= WORKFLOWS ? Boolean.TRUE : null);
        sleep(1_000);  // twenty more ticks on each node
        assertEquals(WORKFLOWS, count(pool, "SELECT COUNT(*) FROM executions WHERE started_by = 'scheduler'"));
        assertEquals(WORKFLOWS, count(pool, "SELECT COUNT(DISTINCT workflow_id) FROM executions"));
        assertEquals(WORKFLOWS, count(pool, "SELECT COUNT(*) FROM schedule_runs WHERE execution_id IS NOT NULL"));
        Map<String, Integer> byNode = new HashMap<>();
        for (Row row : pool.query("SELECT node, COUNT(*) AS n FROM schedule_runs GROUP BY node").execute().await()) {
          byNode.put(row.getString("node"), row.getInteger("n"));
        }
        System.out.println("scheduled runs per engine node: " + byNode);
        for (String id : workflows) {
          String next = http.get("/api/workflows/" + id + "/schedule", ApiDriver.ADMIN).json().getString("next_run_at");
          assertTrue(next.endsWith("-01-01T00:00:00Z"), "each schedule moved on to next New Year: " + next);
        }
        pool.close().await();
      }
    } finally {
      if (second != null) {
        second.close();
      }
      first.close();
      vertx.close().await();
    }
  }

  private static int count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getInteger(0);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
