package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Heartbeat;
import dev.pulse.registry.workers.FlushStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** 500 simulated workers heartbeating every second: all stay online and the database keeps up. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetTest {

  private static final Logger LOG = LoggerFactory.getLogger(FleetTest.class);
  private static final int WORKERS = 500;
  private static final int TICKS_PER_SECOND = 10;
  private static final long RUN_MS = 5_000;

  private RegistryHarness registry;

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject().put("HEARTBEAT_INTERVAL_MS", 1_000)
        .put("OFFLINE_AFTER_MISSED", 3).put("REGISTRY_FLUSH_MS", 1_000));
  }

  @Test
  void fiveHundredWorkersHeartbeatingEverySecondAllStayOnlineAndArePersisted(VertxTestContext ctx) {
    List<Heartbeat> heartbeats = new ArrayList<>();
    AtomicLong sent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    LocalDateTime[] began = new LocalDateTime[1];
    long connectStart = System.nanoTime();
    connectAll(heartbeats)
        .compose(connected -> {
          LOG.info("{} workers connected in {} ms", WORKERS, (System.nanoTime() - connectStart) / 1_000_000);
          began[0] = LocalDateTime.now(ZoneOffset.UTC).minusSeconds(1);
          // Each tick heartbeats a tenth of the fleet, so every worker reports once a second.
          int perTick = WORKERS / TICKS_PER_SECOND;
          int[] tick = new int[1];
          long timer = registry.vertx.setPeriodic(1_000 / TICKS_PER_SECOND, id -> {
            int slice = tick[0]++ % TICKS_PER_SECOND;
            for (int i = slice * perTick; i < (slice + 1) * perTick; i++) {
              sent.incrementAndGet();
              registry.client.heartbeat(heartbeats.get(i)).onFailure(failure -> failed.incrementAndGet());
            }
          });
          return Await.sleep(registry.vertx, RUN_MS).andThen(done -> registry.vertx.cancelTimer(timer));
        })
        .compose(ran -> registry.client.list())
        .compose(workers -> {
          long online = workers.stream().filter(w -> "online".equals(((JsonObject) w).getString("status"))).count();
          assertEquals(WORKERS, online, "every heartbeating worker is online");
          assertEquals(0L, failed.get(), "no heartbeat failed");
          assertTrue(registry.events.all().stream().noneMatch(e -> "offline".equals(e.getString("status"))));
          return Await.until(registry.vertx, () -> registry.count("SELECT COUNT(*) FROM workers WHERE status = 'online'"
              + " AND last_heartbeat >= ? AND JSON_VALUE(metadata, '$.cpu') IS NOT NULL", began[0]),
              rows -> rows == WORKERS, 5_000);
        })
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          FlushStats stats = registry.verticle.flushStats();
          LOG.info("Fleet: {} heartbeats sent in {} ms ({} failed); flushes={} rows={} maxRowsPerFlush={}"
                  + " maxFlushMs={} avgFlushMs={} flushFailures={}", sent.get(), RUN_MS, failed.get(),
              stats.flushes(), stats.rows(), stats.maxRows(), stats.maxMillis(),
              stats.flushes() == 0 ? 0 : stats.totalMillis() / stats.flushes(), stats.failures());
          ctx.completeNow();
        })));
  }

  private Future<Void> connectAll(List<Heartbeat> heartbeats) {
    Future<Void> chain = Future.succeededFuture();
    for (int batch = 0; batch < WORKERS; batch += 50) {
      int from = batch;
      chain = chain.compose(previous -> {
        List<Future<JsonObject>> connects = new ArrayList<>();
        for (int i = from; i < from + 50; i++) {
          String id = "fleet-" + i;
          String name = String.format("host-%03d", i);
          connects.add(registry.connect(id, name, RegistryHarness.SHARED_KEY).andThen(reply -> {
            if (reply.succeeded()) {
              synchronized (heartbeats) {
                heartbeats.add(new Heartbeat(id, name, reply.result().getString("worker_key"), List.of(),
                    new JsonObject().put("cpu", 5.0).put("tasks_running", 0).put("max_concurrent", 5)));
              }
            }
          }));
        }
        return Future.all(connects).mapEmpty();
      });
    }
    return chain;
  }
}
