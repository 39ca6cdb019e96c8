package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.EmbeddedMariaDb;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MariaDB stops for 30 s in the middle of a run and starts again: meanwhile the API answers 503
 * with a clear body and /health reports the database down; afterwards the run finishes and
 * nothing recorded before or during the outage is lost.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DatabaseOutageTest {

  @Test
  void runSurvivesThirtySecondsWithoutTheDatabase() throws Exception {
    Path dir = TestDatabase.dataDir().resolve("outage-" + UUID.randomUUID());
    Files.createDirectories(dir);
    int dbPort = PulseProcess.freePort();
    EmbeddedMariaDb db = EmbeddedMariaDb.start(dir.resolve("mariadb"), "pulse", dbPort);
    JsonObject settings = Settings.defaults().mergeIn(db.config().toConfig()).put("DATA_DIR", dir.toString())
        .put("PORT", 0).put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "steady").put("WORKER_CWD", dir.toString());
    Launched pulse = DevMode.start(settings);
    Path marks = dir.resolve("marks.txt");
    try (Http http = new Http(pulse.httpPort())) {
      ApiDriver api = new ApiDriver(http);
      Await.until(Duration.ofSeconds(30), "the worker online", () -> api.onlineWorkers() == 1 ? Boolean.TRUE : null);
      String append = " >> " + marks;
      String workflow = api.createWorkflow(new JsonObject().put("name", "outage").put("definition", new JsonObject()
          .put("steps", new JsonArray()
              .add(ApiDriver.execute("before", "echo before" + append))
              .add(ApiDriver.execute("across", "sleep 10; echo across" + append))
              .add(ApiDriver.execute("after", "echo after" + append)))));
      String execution = api.start(workflow);
      Await.until(Duration.ofSeconds(30), "the step that spans the outage running", () ->
          "running".equals(api.execution(execution).getJsonArray("steps").getJsonObject(1).getString("status"))
              ? Boolean.TRUE : null);

      db.close();
      Http.Response during = http.get("/api/executions/" + execution, ApiDriver.ADMIN);
      assertEquals(503, during.status(), during.body());
      assertEquals("The database is not available; try again shortly", during.json().getString("error"));
      Http.Response health = http.get("/health");
      assertEquals(503, health.status());
      assertEquals("disconnected", health.json().getString("database"));
      Thread.sleep(30_000);
      Http.Response stillDown = http.post("/api/executions", new JsonObject().put("workflow_id", workflow).encode(),
          ApiDriver.ADMIN);
      assertEquals(503, stillDown.status(), stillDown.body());
      assertFalse(stillDown.body().contains("Exception"), stillDown.body());

      db = EmbeddedMariaDb.start(dir.resolve("mariadb"), "pulse", dbPort);
      JsonObject done = api.awaitStatus(execution, "completed", Duration.ofSeconds(120));
      assertEquals(List.of("completed", "completed", "completed"),
          done.getJsonArray("steps").stream().map(step -> ((JsonObject) step).getString("status")).toList());
      JsonObject across = done.getJsonArray("steps").getJsonObject(1).getJsonArray("results").getJsonObject(0);
      assertEquals(0, across.getInteger("exit_code"), "the result produced during the outage was kept: " + across);
      assertTrue(across.getLong("duration") >= 10_000, across.encode());
      assertEquals(List.of("before", "across", "after"), Files.readAllLines(marks), "each step ran once");
      String logs = done.getJsonArray("logs").encode();
      assertTrue(logs.contains("before") && logs.contains("across") && logs.contains("after"), logs);
      assertEquals(200, http.get("/health").status());
    } finally {
      pulse.close();
      db.close();
    }
  }
}
