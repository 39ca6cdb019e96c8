package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine runs in its own JVM and is killed with SIGKILL in the middle of a step; a new
 * engine JVM finishes the execution, and no command runs twice (each appends a line to a file).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EngineCrashTest {

  @Test
  void engineKilledMidStepIsReplacedAndTheRunFinishesWithNoStepRunTwice() throws Exception {
    DbConfig db = TestDatabase.fresh();
    String cluster = "pulse-crash-" + UUID.randomUUID();
    Path dir = TestDatabase.dataDir().resolve(cluster);
    Files.createDirectories(dir);
    Path sideEffects = dir.resolve("side-effects.txt");
    String key = UUID.randomUUID().toString();
    JsonObject settings = TwoNodeClusterTest.serverSettings(db, cluster).put("WORKER_API_KEY", key)
        .put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "crash").put("WORKER_CWD", dir.toString())
        .put("DATA_DIR", dir.toString());
    // API, registry and two workers here; the engine elsewhere.
    Launched node = ServerMode.start(settings, Set.of("api", "registry"));
    Workers.deploy(node.vertx(), settings, 2);
    Map<String, String> engineEnv = new HashMap<>(Map.of("CLUSTER_NAME", cluster, "CLUSTER_HOST", "127.0.0.1",
        "CLUSTER_MEMBERS", "127.0.0.1", "EVENTBUS_HOST", "127.0.0.1", "WORKER_API_KEY", key,
        "HEARTBEAT_INTERVAL", "1", "DATA_DIR", dir.toString()));
    engineEnv.putAll(Map.of("DB_HOST", db.host(), "DB_PORT", String.valueOf(db.port()), "DB_NAME", db.database(),
        "DB_USER", db.user(), "DB_PASSWORD", db.password()));
    PulseProcess engine = PulseProcess.start(dir, dir.resolve("engine-1.log"), engineEnv, "server", "--roles", "engine");
    PulseProcess replacement = null;
    try (Http http = new Http(node.httpPort())) {
      ApiDriver api = new ApiDriver(http);
      Await.until(Duration.ofSeconds(60), "engine node up and two workers online", () ->
          http.get("/health").status() == 200 && api.onlineWorkers() == 2 ? Boolean.TRUE : null);

      String append = " >> " + sideEffects;
      JsonObject workflow = new JsonObject().put("name", "crash course").put("definition", new JsonObject()
          .put("steps", new JsonArray()
              .add(ApiDriver.execute("first", "echo first-$$" + append))
              .add(ApiDriver.execute("slow", "sleep 4; echo slow-$$" + append))
              .add(new JsonObject().put("name", "go on?").put("type", "prompt").put("message", "Go on?")
                  .put("options", new JsonArray().add("Yes").add("No")))
              .add(ApiDriver.execute("last", "echo last-$$" + append).put("condition", "promptResponse === 'Yes'"))));
      String execution = api.start(api.createWorkflow(workflow));
      Await.until(Duration.ofSeconds(30), "the slow step running", () -> {
        JsonObject step = api.execution(execution).getJsonArray("steps").getJsonObject(1);
        return "running".equals(step.getString("status")) ? Boolean.TRUE : null;
      });

      engine.close();  // SIGKILL, mid-step
      replacement = PulseProcess.start(dir, dir.resolve("engine-2.log"), engineEnv, "server", "--roles", "engine");

      api.awaitStatus(execution, "waiting_for_input", Duration.ofSeconds(90));
      api.respond(execution, "Yes");
      JsonObject done = api.awaitStatus(execution, "completed", Duration.ofSeconds(60));
      assertEquals(List.of("completed", "completed", "completed", "completed"),
          done.getJsonArray("steps").stream().map(step -> ((JsonObject) step).getString("status")).toList());

      List<String> lines = Files.readAllLines(sideEffects);
      assertEquals(2, lines.stream().filter(line -> line.startsWith("first-")).count(), lines.toString());
      assertEquals(2, lines.stream().filter(line -> line.startsWith("slow-")).count(), lines.toString());
      assertEquals(2, lines.stream().filter(line -> line.startsWith("last-")).count(), lines.toString());
      assertEquals(6, lines.size(), lines.toString());
    } finally {
      engine.close();
      if (replacement != null) {
        replacement.close();
      }
      node.close();
    }
  }
}
