package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two engine JVMs, one driving and one standing by; the driving one is killed with SIGKILL at a
 * random moment (seeded: {@code -Dpulse.test.seed=N} replays a run) three times across one
 * many-step execution on two workers, a fresh engine JVM replacing each victim. Every time the
 * standby takes the execution over, it completes, and each step ran exactly once on each worker.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EngineKillsAtRandomTest {

  private static final Logger LOG = LoggerFactory.getLogger(EngineKillsAtRandomTest.class);
  private static final Pattern STARTED = Pattern.compile("Engine node (\\S+) started");
  private static final int STEPS = 16;
  private static final int KILLS = 3;
  private static final List<String> WORKERS = List.of("rk-a", "rk-b");

  /** The execution's row as the engines see it. */
  private record Ownership(String status, String owner, boolean valid, Integer step) {
    boolean ended() {
      return status.equals("completed") || status.equals("failed") || status.equals("cancelled");
    }
  }

  @Test
  void engineKilledAtRandomMomentsIsTakenOverEachTimeAndEveryStepRunsOncePerWorker() throws Exception {
    long seed = Long.getLong("pulse.test.seed", System.nanoTime());
    LOG.info("Random kill moments from seed {} (replay with -Dpulse.test.seed={})", seed, seed);
    Random random = new Random(seed);
    DbConfig db = TestDatabase.fresh();
    String cluster = "pulse-rkill-" + UUID.randomUUID();
    Path dir = TestDatabase.dataDir().resolve(cluster);
    JsonObject settings = TwoNodeClusterTest.serverSettings(db, cluster)
        .put("WORKER_API_KEY", UUID.randomUUID().toString()).put("HEARTBEAT_INTERVAL", 1);
    Launched node = ServerMode.start(settings, Set.of("api", "registry"));
    for (String worker : WORKERS) {
      // one working directory per worker, so each one's side effects land in its own file
      Path cwd = Files.createDirectories(dir.resolve(worker));
      Workers.deploy(node.vertx(), settings.copy().put("WORKER_NAME", worker).put("WORKER_CWD", cwd.toString()), 1);
    }
    Map<String, PulseProcess> engines = new HashMap<>();
    List<PulseProcess> all = new ArrayList<>();
    Pool pool = Database.pool(node.vertx(), db);
    try (Http http = new Http(node.httpPort())) {
      for (int n = 1; n <= 2; n++) {
        all.add(engine(dir, n, settings));
      }
      for (PulseProcess engine : all) {
        engines.put(engine.awaitLog(STARTED, Duration.ofSeconds(90)), engine);
      }
      ApiDriver api = new ApiDriver(http);
      Await.until(Duration.ofSeconds(60), "engines reachable and both workers online", () ->
          http.get("/health").status() == 200 && api.onlineWorkers() == WORKERS.size() ? Boolean.TRUE : null);

      JsonArray steps = new JsonArray();
      IntStream.rangeClosed(1, STEPS).forEach(i ->
          steps.add(ApiDriver.execute("step " + i, "sleep 1.5; echo step-" + i + " >> marks.txt")));
      String execution = api.start(api.createWorkflow(new JsonObject().put("name", "whack-a-mole")
          .put("definition", new JsonObject().put("steps", steps))));

      List<Long> failovers = new ArrayList<>();
      for (int kill = 1; kill <= KILLS; kill++) {
        Ownership driven = Await.until(Duration.ofSeconds(60), "a live engine driving the execution", () -> {
          Ownership row = ownership(pool, execution);
          return row.ended() || row.valid() && engines.containsKey(row.owner()) ? row : null;
        });
        if (driven.ended()) {
          break;
        }
        long delay = 300 + random.nextInt(3_700);
        Thread.sleep(delay);
        Ownership before = ownership(pool, execution);
        if (before.ended()) {
          break;
        }
        PulseProcess victim = engines.remove(before.owner());
        long killedAt = System.nanoTime();
        victim.close();
        LOG.info("Kill {}: engine {} after {} ms more, at step {} ({})", kill, before.owner(), delay, before.step(),
            before.status());
        PulseProcess replacement = engine(dir, 2 + kill, settings);
        all.add(replacement);
        Ownership taken = Await.until(Duration.ofSeconds(60), "another engine taking the execution over", () -> {
          Ownership row = ownership(pool, execution);
          return row.ended() || row.valid() && !row.owner().equals(before.owner()) ? row : null;
        });
        long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        failovers.add(failoverMs);
        LOG.info("Kill {}: engine {} took over {} ms after the kill, at step {}", kill, taken.owner(), failoverMs,
            taken.step());
        assertTrue(failoverMs < 30_000, "failover took " + failoverMs + " ms");
        engines.put(replacement.awaitLog(STARTED, Duration.ofSeconds(90)), replacement);
      }
      LOG.info("{} kills (seed {}), failover times {} ms", failovers.size(), seed, failovers);
      assertTrue(failovers.size() >= 2, "the execution ended before two kills: " + failovers + " (seed " + seed + ")");

      JsonObject done = api.awaitStatus(execution, "completed", Duration.ofSeconds(120));
      assertEquals(STEPS, done.getJsonArray("steps").stream()
          .filter(step -> "completed".equals(((JsonObject) step).getString("status"))).count(), done.encode());
      List<String> expected = IntStream.rangeClosed(1, STEPS).mapToObj(i -> "step-" + i).toList();
      for (String worker : WORKERS) {
        assertEquals(expected, Files.readAllLines(dir.resolve(worker).resolve("marks.txt")),
            "each step ran once, in order, on " + worker + " (seed " + seed + ")");
      }
    } finally {
      pool.close();
      all.forEach(PulseProcess::close);
      node.close();
    }
  }

  private static PulseProcess engine(Path dir, int n, JsonObject settings) {
    return PulseProcess.serverNode(dir.resolve("engine-" + n), dir.resolve("engine-" + n + ".log"), settings,
        "engine", Map.of());
  }

  private static Ownership ownership(Pool pool, String execution) {
    Row row = pool.preparedQuery("SELECT status, owner, (lease_until IS NOT NULL AND lease_until > NOW(3)) AS valid,"
            + " JSON_VALUE(state, '$.current_step') AS step FROM executions WHERE id = ?")
        .execute(Tuple.of(execution)).await().iterator().next();
    String step = row.getString("step");
    return new Ownership(row.getString("status"), row.getString("owner"),
        Integer.valueOf(1).equals(row.getInteger("valid")), step == null ? null : Integer.valueOf(step));
  }
}
