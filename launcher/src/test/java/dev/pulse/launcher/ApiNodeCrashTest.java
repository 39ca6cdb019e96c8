package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only API node, a JVM of its own, is killed with SIGKILL while an execution runs on two
 * workers in a third JVM: the engine+registry node (this JVM) carries the execution on to its
 * prompt with no API anywhere; a new API JVM on the same port then shows it, takes the prompt's
 * answer and the execution completes with every command run once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApiNodeCrashTest {

  private static final Logger LOG = LoggerFactory.getLogger(ApiNodeCrashTest.class);

  @Test
  void apiNodeKilledMidRunIsReplacedAndTheRunFinishesWithEachCommandOnce() throws Exception {
    DbConfig db = TestDatabase.fresh();
    String cluster = "pulse-apicrash-" + UUID.randomUUID();
    Path dir = TestDatabase.dataDir().resolve(cluster);
    Files.createDirectories(dir);
    Path sideEffects = dir.resolve("side-effects.txt");
    JsonObject settings = TwoNodeClusterTest.serverSettings(db, cluster)
        .put("WORKER_API_KEY", UUID.randomUUID().toString()).put("HEARTBEAT_INTERVAL", 1)
        .put("BUS_TIMEOUT_MS", 10_000);
    Launched backend = ServerMode.start(settings, Set.of("engine", "registry"));
    int port = PulseProcess.freePort();
    Map<String, String> apiPort = Map.of("PORT", String.valueOf(port));
    PulseProcess apiNode = PulseProcess.serverNode(dir.resolve("api"), dir.resolve("api-1.log"), settings, "api",
        apiPort);
    PulseProcess workers = PulseProcess.workerNode(dir.resolve("workers"), settings, "apic", 2, Map.of());
    PulseProcess replacement = null;
    Pool pool = Database.pool(backend.vertx(), db);
    try (Http http = new Http(port)) {
      ApiDriver api = new ApiDriver(http);
      apiNode.awaitHealthy(port, Duration.ofSeconds(90));
      Await.until(Duration.ofSeconds(90), "two workers online", () -> api.onlineWorkers() == 2 ? Boolean.TRUE : null);

      String append = " >> " + sideEffects;
      String execution = api.start(api.createWorkflow(new JsonObject().put("name", "headless").put("definition",
          new JsonObject().put("steps", new JsonArray()
              .add(ApiDriver.execute("first", "echo first-$$" + append))
              .add(ApiDriver.execute("slow", "sleep 3; echo slow-$$" + append))
              .add(ApiDriver.execute("after", "echo after-$$" + append))
              .add(new JsonObject().put("name", "go on?").put("type", "prompt").put("message", "Go on?")
                  .put("options", new JsonArray().add("Yes").add("No")))
              .add(ApiDriver.execute("last", "echo last-$$" + append).put("condition", "promptResponse === 'Yes'"))))));
      Await.until(Duration.ofSeconds(30), "the slow step running", () ->
          "running".equals(api.execution(execution).getJsonArray("steps").getJsonObject(1).getString("status"))
              ? Boolean.TRUE : null);

      Instant killed = Instant.now();
      apiNode.close();  // SIGKILL: the cluster's only API node is gone
      Await.until(Duration.ofSeconds(5), "the API JVM gone", () -> apiNode.process().isAlive() ? null : Boolean.TRUE);
      String headless = Await.until(Duration.ofSeconds(60), "the execution to reach its prompt with no API node", () ->
          status(pool, execution).equals("waiting_for_input") ? "reached" : null);
      LOG.info("With no API node, the execution {} its prompt {} ms after the kill", headless,
          Duration.between(killed, Instant.now()).toMillis());

      replacement = PulseProcess.serverNode(dir.resolve("api"), dir.resolve("api-2.log"), settings, "api", apiPort);
      replacement.awaitHealthy(port, Duration.ofSeconds(90));
      LOG.info("New API node healthy {} ms after the kill", Duration.between(killed, Instant.now()).toMillis());
      JsonObject waiting = api.awaitStatus(execution, "waiting_for_input", Duration.ofSeconds(30));
      assertEquals(List.of("completed", "completed", "completed", "running", "pending"), statuses(waiting));
      api.respond(execution, "Yes");
      JsonObject done = api.awaitStatus(execution, "completed", Duration.ofSeconds(60));
      assertEquals(List.of("completed", "completed", "completed", "completed", "completed"), statuses(done));
      assertEquals("ada", done.getJsonArray("steps").getJsonObject(3).getString("responded_by"), done.encode());

      // Every target completed, and each completed target ran its command at least once (the
      // line is written before the result): one line per target means each ran exactly once.
      List<String> lines = Files.readAllLines(sideEffects);
      for (String step : List.of("first-", "slow-", "after-", "last-")) {
        assertEquals(2, lines.stream().filter(line -> line.startsWith(step)).count(), step + " " + lines);
      }
      assertEquals(8, lines.size(), lines.toString());
      assertEquals(8, commandRows(pool, execution), "one command row per step and worker");
    } finally {
      pool.close();
      apiNode.close();
      if (replacement != null) {
        replacement.close();
      }
      workers.close();
      backend.close();
    }
  }

  private static List<String> statuses(JsonObject execution) {
    return execution.getJsonArray("steps").stream().map(step -> ((JsonObject) step).getString("status")).toList();
  }

  private static String status(Pool pool, String execution) {
    Row row = pool.preparedQuery("SELECT status FROM executions WHERE id = ?").execute(Tuple.of(execution)).await()
        .iterator().next();
    return row.getString("status");
  }

  private static long commandRows(Pool pool, String execution) {
    return pool.preparedQuery("SELECT COUNT(*) AS n FROM commands WHERE execution_id = ?")
        .execute(Tuple.of(execution)).await().iterator().next().getLong("n");
  }
}
