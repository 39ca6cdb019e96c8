package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A local workflow handed to one worker through the REST API, in dev mode with a real worker. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalWorkflowTest {

  private static final Map<String, String> EMPLOYEE = Map.of("Remote-User", "bob", "Remote-Groups", "employee");

  private static Launched pulse;
  private static Http http;
  private static ApiDriver api;

  @BeforeAll
  static void start() throws Exception {
    Path dir = TestDatabase.dataDir().resolve("local-" + UUID.randomUUID());
    Files.createDirectories(dir);
    pulse = DevMode.start(Settings.defaults().put("DATA_DIR", dir.toString()).put("PORT", 0)
        .put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "solo").put("WORKER_CWD", dir.toString()));
    http = new Http(pulse.httpPort());
    api = new ApiDriver(http);
    Await.until(Duration.ofSeconds(30), "the worker online", () -> api.onlineWorkers() == 1 ? Boolean.TRUE : null);
  }

  @AfterAll
  static void stop() {
    http.close();
    pulse.close();
  }

  @Test
  void localWorkflowRunsEveryStepOnTheWorkerAndItsResultIsStored() {
    JsonObject request = new JsonObject().put("name", "echo twice").put("steps", new JsonArray()
        .add(new JsonObject().put("name", "first").put("type", "execute").put("command", "echo a"))
        .add(new JsonObject().put("name", "pause").put("type", "wait").put("duration", 500))
        .add(new JsonObject().put("name", "second").put("type", "execute").put("command", "echo b")));
    Http.Response accepted = http.post("/api/workers/solo/workflow", request.encode(), EMPLOYEE);
    assertEquals(202, accepted.status(), accepted.body());
    String runId = accepted.json().getString("workflow_run_id");

    JsonObject run = Await.until(Duration.ofSeconds(30), "the workflow result", () -> {
      JsonObject now = http.get("/api/workers/solo/workflow/" + runId, EMPLOYEE).json();
      return "dispatched".equals(now.getString("status")) ? null : now;
    });

    assertEquals("completed", run.getString("status"), run.encode());
    assertEquals("echo twice", run.getString("name"));
    JsonObject result = run.getJsonObject("result");
    assertTrue(result.getBoolean("success"), result.encode());
    JsonArray steps = result.getJsonArray("steps");
    assertEquals(3, steps.size());
    assertEquals("a\n", steps.getJsonObject(0).getString("stdout"));
    assertTrue(steps.getJsonObject(1).getLong("duration") >= 450, steps.encode());
    assertEquals("b\n", steps.getJsonObject(2).getString("stdout"));
  }

  @Test
  void invalidStepIs400NamingItAndUnknownWorkerIs404() {
    Http.Response bad = http.post("/api/workers/solo/workflow", new JsonObject().put("steps", new JsonArray()
        .add(new JsonObject().put("type", "wait").put("duration", -1))).encode(), EMPLOYEE);
    assertEquals(400, bad.status(), bad.body());
    assertTrue(bad.json().getString("error").contains("steps[0].duration"), bad.body());
    Http.Response unknown = http.post("/api/workers/nobody/workflow", new JsonObject().put("steps", new JsonArray()
        .add(new JsonObject().put("type", "execute").put("command", "true"))).encode(), EMPLOYEE);
    assertEquals(404, unknown.status(), unknown.body());
    assertEquals(404, http.get("/api/workers/solo/workflow/" + UUID.randomUUID(), EMPLOYEE).status());
  }
}
