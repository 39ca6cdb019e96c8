package dev.pulse.engine.schedule;

import static dev.pulse.engine.fixture.EngineFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.BusPolicy;
import dev.pulse.contracts.EngineClient;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.signing.BusGrants;
import dev.pulse.engine.EngineVerticle;
import dev.pulse.engine.fixture.EngineFixture;
import dev.pulse.engine.fixture.FakeFleet;
import dev.pulse.engine.fixture.TestClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cron schedules on one engine whose clock the test moves: due runs, catch-up, validation. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduleTest {

  private static final String RUN = "{\"steps\":[{\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"backup\"}]}";

  private EngineFixture fx;
  private final TestClock clock = new TestClock(Instant.parse("2026-01-05T10:00:30Z"));
  private String workflow;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx).with("SCHEDULER_TICK_MS", 50);
    fx.fleet.worker("web-01", "online");
    fx.deploy(new EngineVerticle(clock));
    workflow = fx.workflow(RUN);
  }

  private JsonObject put(String cron, String zone) {
    JsonObject body = new JsonObject().put("workflow_id", workflow).put("cron", cron).put("updated_by", "ada");
    if (zone != null) {
      body.put("time_zone", zone);
    }
    return fx.engine.putSchedule(body).await();
  }

  private List<JsonObject> scheduledExecutions() {
    List<JsonObject> out = new ArrayList<>();
    for (Row row : fx.pool.preparedQuery("SELECT id, started_by FROM executions WHERE workflow_id = ? ORDER BY created_at")
        .execute(Tuple.of(workflow)).await()) {
      out.add(new JsonObject().put("id", row.getString("id")).put("started_by", row.getString("started_by")));
    }
    return out;
  }

  @Test
  void aDueScheduleStartsOneRunStartedByTheSchedulerAndMovesToTheNextTime() {
    JsonObject schedule = put("* * * * *", null);
    assertEquals("UTC", schedule.getString("time_zone"));
    assertTrue(schedule.getBoolean("enabled"));
    assertEquals("2026-01-05T10:01:00Z", schedule.getString("next_run_at"));
    assertEquals("ada", schedule.getString("updated_by"));

    EngineFixture.sleep(300);
    assertTrue(scheduledExecutions().isEmpty(), "nothing is due before 10:01");

    clock.set(Instant.parse("2026-01-05T10:01:00.020Z"));
    EngineFixture.awaitTrue("the 10:01 run", 5_000, () -> scheduledExecutions().size() == 1);
    JsonObject run = scheduledExecutions().get(0);
    assertEquals(Scheduler.STARTED_BY, run.getString("started_by"));
    JsonObject execution = fx.awaitStatus(run.getString("id"), "completed", 5_000);
    assertEquals("scheduler", execution.getString("started_by"));
    assertEquals("2026-01-05T10:02:00Z", fx.engine.getSchedule(workflow).await().getString("next_run_at"));

    EngineFixture.sleep(300);
    assertEquals(1, scheduledExecutions().size(), "one due time, one run");

    // As if a node with a slow clock had set the schedule again: 10:01 is due once more, but its run is recorded.
    fx.pool.query("UPDATE schedules SET next_run_at = '2026-01-05 10:01:00'").execute().await();
    EngineFixture.awaitTrue("the schedule moving on", 5_000,
        () -> "2026-01-05T10:02:00Z".equals(fx.engine.getSchedule(workflow).await().getString("next_run_at")));
    EngineFixture.sleep(200);
    assertEquals(1, scheduledExecutions().size(), "a due time already run never starts again");
  }

  @Test
  void runsMissedWhileNoEngineRanAreCoalescedIntoOneForTheLatestDueTime() {
    put("*/5 * * * *", null);
    // As if every engine had been down from 10:00:30 until 12:07:10.
    clock.set(Instant.parse("2026-01-05T12:07:10Z"));
    EngineFixture.awaitTrue("the catch-up run", 5_000, () -> scheduledExecutions().size() == 1);
    EngineFixture.sleep(400);
    assertEquals(1, scheduledExecutions().size(), "24 missed due times give one run");
    Row run = fx.pool.preparedQuery("SELECT due_at, missed, execution_id FROM schedule_runs WHERE workflow_id = ?")
        .execute(Tuple.of(workflow)).await().iterator().next();
    assertEquals("2026-01-05T12:05", run.getLocalDateTime("due_at").toString());
    assertEquals(24, run.getInteger("missed"), "10:05 … 12:00 were coalesced into the 12:05 run");
    assertEquals(scheduledExecutions().get(0).getString("id"), run.getString("execution_id"));
    assertEquals("2026-01-05T12:10:00Z", fx.engine.getSchedule(workflow).await().getString("next_run_at"));

    clock.set(Instant.parse("2026-01-05T12:10:00Z"));
    EngineFixture.awaitTrue("the next regular run", 5_000, () -> scheduledExecutions().size() == 2);
  }

  @Test
  void theTimeZoneDecidesWhenALocalTimeIsDue() {
    assertEquals("2026-01-05T17:00:00Z", put("0 18 * * 1-5", "Europe/Berlin").getString("next_run_at"),
        "18:00 in Berlin in winter is 17:00 UTC");
    clock.set(Instant.parse("2026-07-06T00:00:00Z"));
    JsonObject summer = put("0 18 * * 1-5", "Europe/Berlin");
    assertEquals("2026-07-06T16:00:00Z", summer.getString("next_run_at"), "and 16:00 UTC in summer");
    assertEquals("Europe/Berlin", fx.engine.getSchedule(workflow).await().getString("time_zone"));
  }

  @Test
  void badCronOrTimeZoneIs400NamingTheFieldAndUnknownWorkflowIs404() {
    for (String cron : new String[] {"every minute", "* * * *", "61 * * * *", "* * * * * *"}) {
      PulseException bad = failure(fx.engine.putSchedule(new JsonObject().put("workflow_id", workflow)
          .put("cron", cron)));
      assertEquals(400, bad.status(), cron);
      assertTrue(bad.getMessage().startsWith("cron"), bad.getMessage());
      assertEquals("cron", ((JsonObject) bad.details()).getString("field"));
    }
    PulseException zone = failure(fx.engine.putSchedule(new JsonObject().put("workflow_id", workflow)
        .put("cron", "0 3 * * *").put("time_zone", "Mars/Olympus_Mons")));
    assertEquals(400, zone.status());
    assertTrue(zone.getMessage().startsWith("time_zone") && zone.getMessage().contains("IANA"), zone.getMessage());
    assertEquals("time_zone", ((JsonObject) zone.details()).getString("field"));

    assertEquals(404, failure(fx.engine.getSchedule("no-such-workflow")).status());
    assertEquals(404, failure(fx.engine.putSchedule(new JsonObject().put("workflow_id", "no-such-workflow")
        .put("cron", "0 3 * * *"))).status());
    assertNull(fx.engine.getSchedule(workflow).await().getString("cron"), "nothing was stored");
  }

  @Test
  void aDisabledScheduleStartsNothingAndDeletingTheWorkflowDeletesIt() {
    put("* * * * *", null);
    JsonObject off = fx.engine.putSchedule(new JsonObject().put("workflow_id", workflow).put("cron", "* * * * *")
        .put("enabled", false)).await();
    assertFalse(off.getBoolean("enabled"));
    assertNull(off.getString("next_run_at"));
    clock.set(Instant.parse("2026-01-05T10:03:00Z"));
    EngineFixture.sleep(400);
    assertTrue(scheduledExecutions().isEmpty());

    fx.engine.deleteWorkflow(workflow).await();
    assertEquals(0, fx.pool.query("SELECT COUNT(*) FROM schedules").execute().await().iterator().next().getInteger(0));
  }

  @Test
  void onlyAnAdminMaySetASchedule() {
    EngineClient employee = new EngineClient(fx.vertx.eventBus(), 5_000).as(new BusClient.Grant(
        BusGrants.fromDispatchKey(FakeFleet.DISPATCH_KEYS.getPrivate()), "eve", BusPolicy.EMPLOYEE));
    JsonObject body = new JsonObject().put("workflow_id", workflow).put("cron", "* * * * *");
    assertEquals(403, failure(employee.putSchedule(body)).status());
    assertEquals(401, failure(new EngineClient(fx.vertx.eventBus(), 5_000).putSchedule(body)).status());
    assertNull(employee.getSchedule(workflow).await().getString("cron"), "reads need no grant");
  }
}
