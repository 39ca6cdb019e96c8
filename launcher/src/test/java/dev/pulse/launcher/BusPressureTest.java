package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Five of six workers in one JVM each print about 30 MB at once (base64 of 20 MB of random bytes
 * on stdout, 3 MB on stderr) while a subscriber on the server follows the live output, as a
 * dashboard does: no worker goes offline with the default OFFLINE_AFTER_MISSED = 3 intervals of
 * 1 s (every gap between two heartbeats stays below 3 s), a short execution on all six started in
 * the middle of it completes promptly, live output stops at 4 × OUTPUT_CAP_BYTES per command, and
 * each stored result keeps the first OUTPUT_CAP_BYTES of each stream, marked truncated.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BusPressureTest {

  private static final Logger LOG = LoggerFactory.getLogger(BusPressureTest.class);
  private static final int CHATTY = 5;
  private static final int CAP = 1024 * 1024;
  private static final int OFFLINE_AFTER_MISSED = 3;

  @Test
  void chattyCommandsOnFiveWorkersDoNotStallHeartbeatsOrOtherExecutions() throws Exception {
    DbConfig db = TestDatabase.fresh();
    String cluster = "pulse-pressure-" + UUID.randomUUID();
    JsonObject settings = TwoNodeClusterTest.serverSettings(db, cluster)
        .put("WORKER_API_KEY", UUID.randomUUID().toString()).put("BUS_TIMEOUT_MS", 10_000)
        .put("RATE_LIMIT_PER_MINUTE", 1_000_000)
        // the default window: 3 s of silence makes a worker offline
        .put("HEARTBEAT_INTERVAL", 1).put("OFFLINE_AFTER_MISSED", OFFLINE_AFTER_MISSED);
    Launched server = ServerMode.start(settings, Set.of("api", "engine", "registry"));
    Path dir = TestDatabase.dataDir().resolve(cluster);
    List<JsonObject> updates = new CopyOnWriteArrayList<>();
    Map<String, Long> liveChars = new ConcurrentHashMap<>();
    Map<String, List<Instant>> heartbeats = new ConcurrentHashMap<>();
    server.vertx().eventBus().<JsonObject>consumer(Addresses.EVENT_WORKER_UPDATE,
        message -> updates.add(message.body())).completion().await();
    // every heartbeat the registry took, stamped on arrival: the gaps between them are what offline detection sees
    server.vertx().eventBus().<JsonObject>consumer(Addresses.EVENT_WORKER_METRICS, message -> heartbeats
        .computeIfAbsent(message.body().getString("name"), name -> new CopyOnWriteArrayList<>())
        .add(Instant.parse(message.body().getString("last_heartbeat")))).completion().await();
    // what a dashboard following the run does: subscribe to the live output
    server.vertx().eventBus().<JsonObject>consumer(Addresses.EVENT_OUTPUT, message -> liveChars.merge(
        message.body().getString("execution_id", ""), (long) message.body().getString("data", "").length(), Long::sum))
        .completion().await();
    Pool pool = Database.pool(server.vertx(), db);
    ExecutorService sampler = Executors.newSingleThreadExecutor();
    try (Http http = new Http(server.httpPort());
         PulseProcess workers = PulseProcess.workerNode(dir, settings, "chatty", CHATTY + 1,
             Map.of("OUTPUT_CAP_BYTES", String.valueOf(CAP)))) {
      ApiDriver api = new ApiDriver(http);
      Await.until(Duration.ofSeconds(90), (CHATTY + 1) + " workers online",
          () -> api.onlineWorkers() == CHATTY + 1 ? Boolean.TRUE : null);
      JsonArray chattyTargets = new JsonArray();
      IntStream.rangeClosed(1, CHATTY).forEach(i -> chattyTargets.add("chatty-" + i));
      String chattyWorkflow = api.createWorkflow(new JsonObject().put("name", "chatty").put("definition",
          new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("name", "flood").put("type", "execute")
              .put("targets", chattyTargets)
              .put("command", "head -c 20000000 /dev/urandom | base64; yes oops | head -c 3000000 >&2")))));
      String quickWorkflow = api.createWorkflow(new JsonObject().put("name", "quick").put("definition",
          new JsonObject().put("steps", new JsonArray().add(ApiDriver.execute("quick", "echo quick")))));
      updates.clear();

      AtomicBoolean sampling = new AtomicBoolean(true);
      Map<String, Long> oldestHeartbeatMs = new ConcurrentHashMap<>();
      List<String> notOnline = new CopyOnWriteArrayList<>();
      java.util.concurrent.Future<?> samples = sampler.submit(() -> {
        while (sampling.get()) {
          for (Object item : new JsonArray(http.get("/api/workers", ApiDriver.ADMIN).body())) {
            JsonObject worker = (JsonObject) item;
            if (!"online".equals(worker.getString("status"))) {
              notOnline.add(Instant.now() + " " + worker.getString("name") + " " + worker.getString("status"));
            }
            long age = Duration.between(Instant.parse(worker.getString("last_heartbeat")), Instant.now()).toMillis();
            oldestHeartbeatMs.merge(worker.getString("name"), age, Math::max);
          }
          sleep(200);
        }
        return null;
      });

      long began = System.nanoTime();
      Instant floodBegan = Instant.now();
      String chatty = api.start(chattyWorkflow);
      Await.until(Duration.ofSeconds(30), "live output flowing",
          () -> liveChars.containsKey(chatty) ? Boolean.TRUE : null);
      long quickBegan = System.nanoTime();
      String quick = api.start(quickWorkflow);
      JsonObject quickDone = Await.until(Duration.ofSeconds(60), "the quick execution to end", () -> ended(api, quick));
      long quickMs = (System.nanoTime() - quickBegan) / 1_000_000;
      JsonObject chattyDone = Await.until(Duration.ofSeconds(120), "the chatty execution to end",
          () -> ended(api, chatty));
      long chattyMs = (System.nanoTime() - began) / 1_000_000;
      sampling.set(false);
      samples.get(10, TimeUnit.SECONDS);
      Map<String, Long> gapMs = new java.util.TreeMap<>();
      heartbeats.forEach((name, times) -> gapMs.put(name, maxGapMs(times, floodBegan)));
      LOG.info("Chatty step on {} workers ended {} after {} ms with {} MiB of live output received here; a quick"
              + " execution started meanwhile ended {} in {} ms; oldest heartbeat seen per worker (ms): {}; longest"
              + " gap between heartbeats per worker during the flood (ms): {}", CHATTY,
          chattyDone.getString("status"), chattyMs, liveChars.getOrDefault(chatty, 0L) >> 20,
          quickDone.getString("status"), quickMs, new java.util.TreeMap<>(oldestHeartbeatMs), gapMs);

      assertEquals(List.of(), notOnline, "no worker was seen other than online");
      assertEquals(CHATTY + 1, gapMs.size(), "heartbeats from every worker: " + gapMs);
      assertTrue(gapMs.values().stream().allMatch(gap -> gap < OFFLINE_AFTER_MISSED * 1000),
          "every worker's heartbeats came less than " + OFFLINE_AFTER_MISSED + " s apart: " + gapMs);
      assertEquals(List.of(), updates.stream().filter(u -> !"online".equals(u.getString("status"))).toList(),
          "no worker_update other than online");
      assertEquals("completed", quickDone.getString("status"), quickDone.encode());
      assertTrue(quickMs < 30_000, "the quick execution took " + quickMs + " ms");
      assertEquals("completed", chattyDone.getString("status"), chattyDone.getString("error"));

      List<JsonObject> results = new ArrayList<>();
      for (Row row : pool.preparedQuery("SELECT result FROM commands WHERE execution_id = ?")
          .execute(Tuple.of(chatty)).await()) {
        results.add(Database.jsonObject(row, "result"));
      }
      assertEquals(CHATTY, results.size());
      for (JsonObject result : results) {
        assertEquals(0, result.getInteger("exit_code"), result.getString("error"));
        assertTrue(result.getBoolean("truncated"), "marked truncated");
        assertEquals(CAP, result.getString("stdout").length(), "stdout kept up to the cap");
        assertEquals(CAP, result.getString("stderr").length(), "stderr kept up to the cap");
      }
      assertEquals((long) CHATTY * 4 * CAP, liveChars.get(chatty),
          "live output stops at 4 × OUTPUT_CAP_BYTES per command");
      assertTrue(workers.process().isAlive(), "the worker JVM is still running");
    } finally {
      sampler.shutdownNow();
      pool.close();
      server.close();
    }
  }

  /** The longest gap between consecutive heartbeats from {@code since} (counted from there) to the last one. */
  private static long maxGapMs(List<Instant> times, Instant since) {
    long longest = 0;
    Instant previous = since;
    for (Instant time : times) {
      if (time.isAfter(previous)) {
        longest = Math.max(longest, Duration.between(previous, time).toMillis());
        previous = time;
      }
    }
    return longest;
  }

  /** The execution once it has ended, else null. */
  private static JsonObject ended(ApiDriver api, String execution) {
    JsonObject now = api.execution(execution);
    String status = now.getString("status");
    return status.equals("completed") || status.equals("failed") || status.equals("cancelled") ? now : null;
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
