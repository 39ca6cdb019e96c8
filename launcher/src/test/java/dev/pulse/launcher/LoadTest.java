package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 1,000 executions started as fast as the API takes them, spread over 20 workers in another JVM
 * with MAX_CONCURRENT_TASKS 5: every one completes, none is lost, none runs twice (each command
 * appends a line to its worker's ledger file, which must end with exactly one line per execution),
 * and the server's heap after a full collection ends where it started (within 64 MiB).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LoadTest {

  private static final Logger LOG = LoggerFactory.getLogger(LoadTest.class);
  private static final int EXECUTIONS = 1000;
  private static final int WORKERS = 20;
  private static final long HEAP_GROWTH_LIMIT = 64L << 20;

  @Test
  void thousandExecutionsOnTwentyWorkersAllCompleteExactlyOnce() throws Exception {
    DbConfig db = TestDatabase.fresh();
    String cluster = "pulse-load-" + UUID.randomUUID();
    String key = UUID.randomUUID().toString();
    Path dir = TestDatabase.dataDir().resolve(cluster);
    Files.createDirectories(dir);
    Path ledger = dir.resolve("ledger.txt");
    JsonObject settings = TwoNodeClusterTest.serverSettings(db, cluster).put("WORKER_API_KEY", key)
        .put("HEARTBEAT_INTERVAL", 2).put("RATE_LIMIT_PER_MINUTE", 1_000_000).put("BUS_TIMEOUT_MS", 10_000);
    Launched server = ServerMode.start(settings, Set.of("api", "engine", "registry"));
    try (Http http = new Http(server.httpPort());
         PulseProcess workers = PulseProcess.workerNode(dir, settings, "load", WORKERS,
             Map.of("MAX_CONCURRENT_TASKS", "5"))) {
      ApiDriver api = new ApiDriver(http);
      Await.until(Duration.ofSeconds(120), WORKERS + " workers online",
          () -> api.onlineWorkers() == WORKERS ? Boolean.TRUE : null);
      List<String> workflows = new ArrayList<>();
      for (int i = 1; i <= WORKERS; i++) {
        workflows.add(api.createWorkflow(new JsonObject().put("name", "load-" + i).put("definition",
            new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("name", "mark").put("type", "execute")
                .put("targets", new JsonArray().add("load-" + i))
                .put("command", "echo \"$$\" >> " + ledger + "." + i))))));
      }

      long heapBefore = heapAfterGc();
      long began = System.nanoTime();
      ConcurrentLinkedQueue<String> started = new ConcurrentLinkedQueue<>();
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> submitted = new ArrayList<>();
      for (int i = 0; i < EXECUTIONS; i++) {
        String workflow = workflows.get(i % WORKERS);
        submitted.add(clients.submit(() -> started.add(api.start(workflow))));
      }
      for (Future<?> future : submitted) {
        future.get(120, TimeUnit.SECONDS);
      }
      clients.shutdown();
      long accepted = System.nanoTime();
      assertEquals(EXECUTIONS, started.size());

      Map<String, String> statuses = Await.until(Duration.ofSeconds(300), "all executions ended", () -> {
        Map<String, String> seen = new HashMap<>();
        for (int offset = 0; offset < EXECUTIONS + 500; offset += 500) {
          JsonArray page = new JsonArray(http.get("/api/executions?limit=500&offset=" + offset, ApiDriver.ADMIN).body());
          page.forEach(e -> seen.put(((JsonObject) e).getString("id"), ((JsonObject) e).getString("status")));
        }
        long open = seen.values().stream().filter(s -> !s.equals("completed") && !s.equals("failed")).count();
        return seen.size() == EXECUTIONS && open == 0 ? seen : null;
      });
      long ended = System.nanoTime();
      long heapAfter = heapAfterGc();
      LOG.info("{} executions accepted in {} ms, all ended {} ms after the first; server heap after a full GC {} MiB"
              + " before the load, {} MiB after it", EXECUTIONS, (accepted - began) / 1_000_000,
          (ended - began) / 1_000_000, heapBefore >> 20, heapAfter >> 20);
      // nothing per execution stays in memory once it ended (a leak of 64 KiB each would show)
      assertTrue(heapAfter - heapBefore < HEAP_GROWTH_LIMIT, "server heap grew from " + (heapBefore >> 20)
          + " to " + (heapAfter >> 20) + " MiB");
      assertEquals(EXECUTIONS, statuses.values().stream().filter("completed"::equals).count(), "all completed");
      String duplicates = duplicateCommands(server, db);
      for (int i = 1; i <= WORKERS; i++) {
        List<String> lines = Files.readAllLines(Path.of(ledger + "." + i));
        assertEquals(EXECUTIONS / WORKERS, lines.size(), "worker load-" + i + " ran each of its commands once; "
            + duplicates);
      }
      assertEquals(EXECUTIONS, Set.copyOf(started).size(), "every start got its own execution");
    } finally {
      server.close();
    }
  }

  /** Heap in use in this JVM (the server's) after a full collection. */
  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Executions with more than one command row, for the failure message. */
  private static String duplicateCommands(Launched server, DbConfig db) {
    io.vertx.sqlclient.Pool pool = dev.pulse.storage.Database.pool(server.vertx(), db);
    try {
      StringBuilder out = new StringBuilder("executions with several commands:");
      for (io.vertx.sqlclient.Row row : pool.query("SELECT execution_id, COUNT(*) AS n, GROUP_CONCAT(CONCAT(command_id,"
          + " ':', status) SEPARATOR ' ') AS ids FROM commands GROUP BY execution_id HAVING n > 1").execute().await()) {
        out.append(' ').append(row.getString("execution_id")).append(" x").append(row.getLong("n"))
            .append(" [").append(row.getString("ids")).append(']');
      }
      return out.toString();
    } finally {
      pool.close().await();
    }
  }
}
