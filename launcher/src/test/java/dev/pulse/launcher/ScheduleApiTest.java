package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.Database;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Workflow schedules through the REST API, with the real scheduler starting a run on a real worker. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ScheduleApiTest {

  private static final Map<String, String> EMPLOYEE = Map.of("Remote-User", "eve", "Remote-Groups", "employee");

  @Test
  void anAdminSetsAScheduleEveryoneReadsItAndTheSchedulerRunsTheWorkflow() throws Exception {
    Path dir = TestDatabase.dataDir().resolve("schedule-" + UUID.randomUUID());
    Files.createDirectories(dir);
    Path file = dir.resolve("scheduled.txt");
    JsonObject settings = Settings.defaults().put("DATA_DIR", dir.toString()).put("PORT", 0)
        .put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "cron-box").put("WORKER_CWD", dir.toString());
    Launched pulse = DevMode.start(settings);
    try (Http http = new Http(pulse.httpPort())) {
      ApiDriver api = new ApiDriver(http);
      Await.until(Duration.ofSeconds(30), "the worker online", () -> api.onlineWorkers() == 1 ? Boolean.TRUE : null);
      String workflow = api.createWorkflow(new JsonObject().put("name", "nightly").put("definition",
          new JsonObject().put("steps", new JsonArray().add(ApiDriver.execute("note", "echo ran >> " + file)))));
      String path = "/api/workflows/" + workflow + "/schedule";

      Http.Response none = http.get(path, EMPLOYEE);
      assertEquals(200, none.status(), none.body());
      assertNull(none.json().getString("cron"));

      String body = "{\"cron\":\"30 2 * * *\",\"time_zone\":\"Europe/Berlin\"}";
      Http.Response refused = http.send(HttpMethod.PUT, path, body, EMPLOYEE);
      assertEquals(403, refused.status(), refused.body());

      Http.Response badCron = http.send(HttpMethod.PUT, path, "{\"cron\":\"30 2 * *\"}", ApiDriver.ADMIN);
      assertEquals(400, badCron.status(), badCron.body());
      assertTrue(badCron.json().getString("error").startsWith("cron must have 5 fields"), badCron.body());
      Http.Response badZone = http.send(HttpMethod.PUT, path, "{\"cron\":\"30 2 * * *\",\"time_zone\":\"Berlin\"}",
          ApiDriver.ADMIN);
      assertEquals(400, badZone.status(), badZone.body());
      assertTrue(badZone.json().getString("error").startsWith("time_zone"), badZone.body());
      assertEquals(404, http.send(HttpMethod.PUT, "/api/workflows/nope/schedule", body, ApiDriver.ADMIN).status());

      Http.Response set = http.send(HttpMethod.PUT, path, body, ApiDriver.ADMIN);
      assertEquals(200, set.status(), set.body());
      JsonObject schedule = http.get(path, EMPLOYEE).json();
      assertEquals("30 2 * * *", schedule.getString("cron"));
      assertEquals("Europe/Berlin", schedule.getString("time_zone"));
      assertEquals("ada", schedule.getString("updated_by"));
      String next = schedule.getString("next_run_at");
      assertTrue(next.matches("\\d{4}-\\d\\d-\\d\\dT0[01]:30:00Z"), "02:30 in Berlin, in UTC: " + next);
      JsonObject audited = Await.until(Duration.ofSeconds(10), "the audit row", () -> {
        JsonArray entries = http.get("/api/audit?action=workflow.schedule&target_id=" + workflow, ApiDriver.ADMIN)
            .json().getJsonArray("entries");
        return entries.size() == 1 ? entries.getJsonObject(0) : null;
      });
      assertEquals("ada", audited.getString("actor"));

      // Rather than wait for 02:30: the due time is made now, and the running scheduler picks it up.
      Pool pool = Database.pool(pulse.vertx(), pulse.db());
      pool.preparedQuery("UPDATE schedules SET next_run_at = UTC_TIMESTAMP() WHERE workflow_id = ?")
          .execute(Tuple.of(workflow)).await();
      pool.close().await();
      JsonObject run = Await.until(Duration.ofSeconds(30), "the scheduled run", () -> {
        JsonArray runs = new JsonArray(http.get("/api/executions?workflow_id=" + workflow, ApiDriver.ADMIN).body());
        return runs.size() == 1 ? runs.getJsonObject(0) : null;
      });
      assertEquals("scheduler", run.getString("started_by"));
      api.awaitStatus(run.getString("id"), "completed", Duration.ofSeconds(30));
      assertEquals("ran", Files.readString(file).trim(), "the worker ran the step once");
      assertTrue(http.get(path, EMPLOYEE).json().getString("next_run_at").endsWith(":30:00Z"));

      Http.Response off = http.send(HttpMethod.PUT, path, "{\"cron\":\"30 2 * * *\",\"enabled\":false}",
          ApiDriver.ADMIN);
      assertEquals(200, off.status(), off.body());
      assertNull(off.json().getString("next_run_at"));
    } finally {
      pulse.close();
    }
  }
}
