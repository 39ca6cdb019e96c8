package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.signing.DispatchVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** REGISTRY_LIST and REGISTRY_DELETE. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerDirectoryTest {

  private static final String KEY = RegistryHarness.SHARED_KEY;

  private RegistryHarness registry;

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject());
  }

  @Test
  void listGivesEveryWorkerSortedByNameWithTheSpecFields(VertxTestContext ctx) {
    registry.connect("w-2", "web-02", KEY, "web")
        .compose(second -> registry.connect("w-1", "db-01", KEY, "db", "eu"))
        .compose(first -> registry.heartbeat("w-1", "db-01", KEY, new JsonObject().put("cpu", 3)))
        .compose(beat -> registry.client.list())
        .onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
          assertEquals(List.of("db-01", "web-02"), workers.stream()
              .map(worker -> ((JsonObject) worker).getString("name")).toList());
          JsonObject db = workers.getJsonObject(0);
          assertEquals(new JsonObject().put("id", "w-1").put("name", "db-01").put("status", "online")
                  .put("groups", new JsonArray().add("db").add("eu")).put("metadata", new JsonObject().put("cpu", 3))
                  .put("version", "1.0.0").put("last_heartbeat", db.getString("last_heartbeat")),
              db);
          assertTrue(db.getString("last_heartbeat").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), db.getString("last_heartbeat"));
          ctx.completeNow();
        })));
  }

  @Test
  void listOfAnEmptyRegistryIsEmpty(VertxTestContext ctx) {
    registry.client.list().onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
      assertTrue(workers.isEmpty());
      ctx.completeNow();
    })));
  }

  @Test
  void deleteRemovesTheWorkerEverywhereTellsItToDrainAndPublishesDeleted(VertxTestContext ctx) {
    StandInWorker[] worker = new StandInWorker[1];
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting()))
        .compose(standIn -> {
          worker[0] = standIn;
          return registry.client.delete("w-1");
        })
        .compose(reply -> {
          assertEquals(new JsonObject().put("deleted", true).put("worker_id", "w-1").put("name", "web-01"), reply);
          return worker[0].controlled();
        })
        .compose(control -> {
          assertEquals("drain", control.getString("type"));
          assertEquals(Optional.empty(), new DispatchVerifier(
              List.of(RegistryHarness.DISPATCH_KEYS.getPublic()), 60_000).checkControl(control, "w-1"),
              "signed for w-1");
          return registry.events.next("w-1", "deleted");
        })
        .compose(deleted -> registry.count("SELECT COUNT(*) FROM workers"))
        .compose(rows -> {
          assertEquals(0L, rows);
          return registry.client.list();
        })
        .compose(workers -> {
          assertTrue(workers.isEmpty());
          return Await.failure(registry.heartbeat("w-1", "web-01", KEY, new JsonObject()), 404);
        })
        .compose(mustReconnect -> Await.failure(registry.client.delete("w-1"), 404))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void deletingAWorkerThatIsNotRunningStillSucceeds(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", KEY)
        .compose(connected -> registry.client.delete("web-01"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("w-1", reply.getString("worker_id"));
          ctx.completeNow();
        })));
  }

  @Test
  void deleteOfAnUnknownWorkerIs404AndWithoutAnIdIs400(VertxTestContext ctx) {
    Await.failure(registry.client.delete("w-404"), 404)
        .compose(unknown -> {
          assertTrue(unknown.getMessage().contains("w-404"));
          return Await.failure(registry.client.request(Addresses.REGISTRY_DELETE, new JsonObject(), "registry"), 400);
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
