package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker JVM killed mid-command: its targets fail as worker_lost and the execution ends. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WorkerCrashTest {

  @Test
  void workerKilledMidCommandFailsItsTargetsAsWorkerLostAndTheRunEnds() {
    DbConfig db = TestDatabase.fresh();
    String cluster = "pulse-wcrash-" + UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    JsonObject settings = TwoNodeClusterTest.serverSettings(db, cluster).put("WORKER_API_KEY", key)
        .put("HEARTBEAT_INTERVAL", 1).put("OFFLINE_AFTER_MISSED", 3)
        // a freshly started worker JVM on a busy machine may take more than 3 s to take its first command
        .put("BUS_TIMEOUT_MS", 10_000);
    Launched server = ServerMode.start(settings, Set.of("api", "engine", "registry"));
    Path dir = TestDatabase.dataDir().resolve(cluster);
    Path started = dir.resolveSibling(cluster + "-started.txt");
    try (Http http = new Http(server.httpPort());
         PulseProcess workers = PulseProcess.workerNode(dir, settings, "victim", 2, Map.of())) {
      ApiDriver api = new ApiDriver(http);
      Await.until(Duration.ofSeconds(90), "two workers online", () -> api.onlineWorkers() == 2 ? Boolean.TRUE : null);
      String execution = api.start(api.createWorkflow(new JsonObject().put("name", "long haul")
          .put("definition", new JsonObject().put("steps", new JsonArray()
              .add(ApiDriver.execute("long", "echo started >> '" + started + "'; sleep 120"))))));
      Await.until(Duration.ofSeconds(30), "the long step running on both", () ->
          lines(started) == 2 ? Boolean.TRUE : null);

      Instant killed = Instant.now();
      workers.close();  // SIGKILL the whole worker JVM
      JsonObject failed = api.awaitStatus(execution, "failed", Duration.ofSeconds(30));
      for (Object result : failed.getJsonArray("steps").getJsonObject(0).getJsonArray("results")) {
        String error = ((JsonObject) result).getString("error");
        assertTrue(error != null && error.contains("worker_lost"), "target failed as worker_lost: " + result);
      }
      org.slf4j.LoggerFactory.getLogger(WorkerCrashTest.class).info("Execution failed {} ms after the kill",
          Duration.between(killed, Instant.now()).toMillis());
      assertEquals("failed", api.execution(execution).getString("status"));
    } finally {
      server.close();
    }
  }

  private static int lines(Path file) {
    try {
      return java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllLines(file).size() : 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
