package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Heartbeats, their batched persistence and offline detection, with a 300 ms heartbeat interval. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LivenessTest {

  private static final Logger LOG = LoggerFactory.getLogger(LivenessTest.class);
  private static final String KEY = RegistryHarness.SHARED_KEY;

  private RegistryHarness registry;

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300)
        .put("OFFLINE_AFTER_MISSED", 3));
  }

  @Test
  void heartbeatUpdatesMetricsAtOnceAndIsPersistedByTheFlush(VertxTestContext ctx) {
    JsonObject metrics = new JsonObject().put("cpu", 12.5).put("tasks_running", 1).put("max_concurrent", 5)
        .put("version", "1.2.3");
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> registry.heartbeat("w-1", "web-01", KEY, metrics))
        .compose(reply -> {
          assertEquals("online", reply.getString("status"));
          return registry.client.list();
        })
        .compose(workers -> {
          JsonObject worker = workers.getJsonObject(0);
          assertEquals(12.5, worker.getJsonObject("metadata").getDouble("cpu"));
          assertEquals("1.2.3", worker.getString("version"));
          assertTrue(worker.getString("last_heartbeat").endsWith("Z"), "ISO-8601 UTC");
          return Await.until(registry.vertx, () -> registry.workerRow("w-1"),
              row -> Database.jsonObject(row, "metadata").containsKey("cpu"), 3_000);
        })
        .onComplete(ctx.succeeding(row -> ctx.verify(() -> {
          assertEquals(12.5, Database.jsonObject(row, "metadata").getDouble("cpu"));
          assertEquals("online", row.getString("status"));
          assertEquals("1.2.3", row.getString("version"));
          assertNotNull(row.getLocalDateTime("last_heartbeat"));
          ctx.completeNow();
        })));
  }

  @Test
  void everyHeartbeatPublishesTheWorkersMetricsForTheDashboard(Vertx vertx, VertxTestContext ctx) {
    JsonObject metrics = new JsonObject().put("cpu_percent", 42.0).put("load_1", 0.5);
    vertx.eventBus().<JsonObject>consumer(dev.pulse.contracts.Addresses.EVENT_WORKER_METRICS, message ->
        ctx.verify(() -> {
          JsonObject event = message.body();
          assertEquals("worker_metrics", event.getString("type"));
          assertEquals("w-1", event.getString("worker_id"));
          assertEquals("web-01", event.getString("name"));
          assertEquals(42.0, event.getJsonObject("metadata").getDouble("cpu_percent"));
          assertTrue(event.getString("last_heartbeat").endsWith("Z"));
          ctx.completeNow();
        })).completion()
        .compose(ready -> registry.connect("w-1", "web-01", KEY))
        .compose(connected -> registry.heartbeat("w-1", "web-01", KEY, metrics))
        .onFailure(ctx::failNow);
  }

  @Test
  void workerAtCapacityIsBusyAndOnlineAgainWhenASlotFrees(VertxTestContext ctx) {
    JsonObject full = new JsonObject().put("tasks_running", 5).put("max_concurrent", 5);
    JsonObject free = new JsonObject().put("tasks_running", 4).put("max_concurrent", 5);
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> registry.heartbeat("w-1", "web-01", KEY, full))
        .compose(reply -> {
          assertEquals("busy", reply.getString("status"));
          return registry.events.next("w-1", "busy");
        })
        .compose(busy -> Await.until(registry.vertx, () -> registry.workerRow("w-1"),
            row -> "busy".equals(row.getString("status")), 3_000))
        .compose(row -> registry.heartbeat("w-1", "web-01", KEY, free))
        .compose(reply -> {
          assertEquals("online", reply.getString("status"));
          return registry.events.nth("w-1", "online", 2);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void workerReportingDrainingIsDraining(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> registry.heartbeat("w-1", "web-01", KEY, new JsonObject().put("draining", true)))
        .compose(reply -> {
          assertEquals("draining", reply.getString("status"));
          return registry.events.next("w-1", "draining");
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void heartbeatByNameAloneFindsTheWorkerLikeTheHttpEndpoint(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> registry.heartbeat(null, "web-01", KEY, new JsonObject().put("cpu", 1)))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("w-1", reply.getString("worker_id"));
          assertEquals("online", reply.getString("status"));
          ctx.completeNow();
        })));
  }

  @Test
  void heartbeatFromAnUnknownWorkerIs404SoItConnectsAgain(VertxTestContext ctx) {
    Await.failure(registry.heartbeat("w-9", "web-09", KEY, new JsonObject()), 404)
        .compose(unknown -> {
          assertTrue(unknown.getMessage().contains("connect"), unknown.getMessage());
          return Await.failure(registry.heartbeat(null, "web-09", KEY, new JsonObject()), 404);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void heartbeatWithAWrongOrMissingKeyIs401AndChangesNothing(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> Await.failure(registry.heartbeat("w-1", "web-01", "guess",
            new JsonObject().put("cpu", 99)), 401))
        .compose(refused -> {
          assertTrue(refused.getMessage().startsWith("API key refused for worker 'web-01'"));
          return Await.failure(registry.heartbeat("w-1", "web-01", null, new JsonObject()), 401);
        })
        .compose(missing -> registry.client.list())
        .onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
          assertTrue(workers.getJsonObject(0).getJsonObject("metadata").isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void heartbeatWithoutIdOrNameIs400(VertxTestContext ctx) {
    Await.failure(registry.heartbeat(null, null, KEY, new JsonObject()), 400)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void workerMissingThreeHeartbeatsGoesOfflineWithAnEvent(VertxTestContext ctx) {
    long[] connectedAt = new long[1];
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> {
          connectedAt[0] = System.currentTimeMillis();
          return registry.events.next("w-1", "offline");
        })
        .compose(offline -> {
          long silentMs = System.currentTimeMillis() - connectedAt[0];
          LOG.info("Worker went offline after {} ms of silence (3 × 300 ms allowed)", silentMs);
          assertTrue(silentMs >= 850, "not before three intervals were missed: " + silentMs);
          assertEquals("web-01", offline.getString("name"));
          return registry.client.list();
        })
        .compose(workers -> {
          assertEquals("offline", workers.getJsonObject(0).getString("status"));
          return Await.until(registry.vertx, () -> registry.workerRow("w-1"),
              row -> "offline".equals(row.getString("status")), 3_000);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void workerThatKeepsHeartbeatingStaysOnline(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting()))
        .map(worker -> worker.heartbeatEvery(150, registry.client, "web-01", KEY, new JsonObject()))
        .compose(worker -> Await.sleep(registry.vertx, 2_000).map(worker))
        .compose(worker -> {
          worker.stopHeartbeats();
          return registry.client.list();
        })
        .onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
          assertEquals("online", workers.getJsonObject(0).getString("status"));
          assertTrue(registry.events.all().stream().noneMatch(e -> "offline".equals(e.getString("status"))));
          ctx.completeNow();
        })));
  }

  @Test
  void offlineWorkerComesBackOnlineWithItsNextHeartbeat(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> registry.events.next("w-1", "offline"))
        .compose(offline -> registry.heartbeat("w-1", "web-01", KEY, new JsonObject()))
        .compose(reply -> {
          assertEquals("online", reply.getString("status"));
          return registry.events.nth("w-1", "online", 2);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void nameOfAnOfflineWorkerMovesToTheNewIdOfAReinstalledHost(VertxTestContext ctx) {
    registry.connect("w-old", "web-01", KEY)
        .compose(connected -> registry.events.next("w-old", "offline"))
        .compose(offline -> registry.connect("w-new", "web-01", KEY))
        .compose(reply -> {
          assertTrue(reply.getBoolean("accepted"));
          return registry.events.next("w-old", "deleted");
        })
        .compose(deleted -> registry.client.list())
        .compose(workers -> {
          assertEquals(1, workers.size());
          assertEquals("w-new", workers.getJsonObject(0).getString("id"));
          return registry.rows("SELECT id, name FROM workers");
        })
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(1, rows.size());
          assertEquals("w-new", rows.get(0).getString("id"));
          assertEquals("web-01", rows.get(0).getString("name"));
          ctx.completeNow();
        })));
  }

  @Test
  void restartedRegistryLoadsSilentWorkersAsOfflineAndTheirKeysStillWork(VertxTestContext ctx) {
    String[] key = new String[1];
    registry.connect("w-1", "web-01", KEY, "web")
        .compose(connected -> {
          key[0] = connected.getString("worker_key");
          return registry.events.next("w-1", "offline");
        })
        .compose(offline -> registry.undeploy())
        .compose(stopped -> registry.deploy(new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300)))
        .compose(started -> registry.client.list())
        .compose(workers -> {
          JsonObject worker = workers.getJsonObject(0);
          assertEquals("offline", worker.getString("status"));
          assertEquals("web-01", worker.getString("name"));
          assertEquals("web", worker.getJsonArray("groups").getString(0));
          return registry.heartbeat("w-1", "web-01", key[0], new JsonObject());
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("online", reply.getString("status"));
          ctx.completeNow();
        })));
  }

  @Test
  void restartedRegistryKeepsRecentlyHeardWorkersOnline(VertxTestContext ctx) {
    JsonObject patient = new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300).put("OFFLINE_AFTER_MISSED", 30);
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> Await.until(registry.vertx, () -> registry.workerRow("w-1"),
            row -> row.getLocalDateTime("last_heartbeat") != null, 3_000))
        .compose(stored -> registry.undeploy())
        .compose(stopped -> registry.deploy(patient))
        .compose(started -> registry.client.list())
        .onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
          assertEquals("online", workers.getJsonObject(0).getString("status"));
          ctx.completeNow();
        })));
  }

}
