package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * REGISTRY_RESOLVE over a small fleet: web-01 online, web-02 busy, db-01 draining (all heartbeating
 * every 100 ms), and web-03 offline (silent for more than 3 × 300 ms).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TargetResolutionTest {

  private static final String KEY = RegistryHarness.SHARED_KEY;

  private RegistryHarness registry;

  @BeforeEach
  void deployFleet(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300));
    registry.connect("w-1", "web-01", KEY, "web").await();
    registry.connect("w-2", "web-02", KEY, "web").await();
    registry.connect("w-3", "web-03", KEY, "web", "legacy").await();
    registry.connect("w-4", "db-01", KEY, "db").await();
    keepAlive("w-1", "web-01", new JsonObject());
    keepAlive("w-2", "web-02", new JsonObject().put("tasks_running", 2).put("max_concurrent", 2));
    keepAlive("w-4", "db-01", new JsonObject().put("draining", true));
    registry.events.next("w-3", "offline").await();
    registry.events.next("w-2", "busy").await();
    registry.events.next("w-4", "draining").await();
  }

  private void keepAlive(String id, String name, JsonObject metadata) {
    StandInWorker.start(registry.vertx, id, StandInWorker.accepting()).await()
        .heartbeatEvery(100, registry.client, name, KEY, metadata);
  }

  @Test
  void allMeansEveryWorkerTakingWork(VertxTestContext ctx) {
    registry.client.resolve(List.of("all")).onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
      assertEquals(List.of("web-01:online", "web-02:busy"), summary(workers));
      assertEquals(new JsonObject().put("worker_id", "w-1").put("name", "web-01").put("status", "online")
          .put("groups", new JsonArray().add("web")), workers.getJsonObject(0));
      ctx.completeNow();
    })));
  }

  @Test
  void groupMatchesEveryMemberWhateverItsStatus(VertxTestContext ctx) {
    registry.client.resolve(List.of("web")).onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
      assertEquals(List.of("web-01:online", "web-02:busy", "web-03:offline"), summary(workers));
      ctx.completeNow();
    })));
  }

  @Test
  void workerNameMatchesThatWorkerEvenWhenOfflineOrDraining(VertxTestContext ctx) {
    registry.client.resolve(List.of("web-03", "db-01")).onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
      assertEquals(List.of("db-01:draining", "web-03:offline"), summary(workers));
      ctx.completeNow();
    })));
  }

  @Test
  void overlappingTargetsListEachWorkerOnce(VertxTestContext ctx) {
    registry.client.resolve(List.of("all", "web", "web-01", "legacy"))
        .onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
          assertEquals(List.of("web-01:online", "web-02:busy", "web-03:offline"), summary(workers));
          ctx.completeNow();
        })));
  }

  @Test
  void unknownTargetsAre404NamingEachOfThem(VertxTestContext ctx) {
    Await.failure(registry.client.resolve(List.of("web-01", "db-9", "cache")), 404)
        .onComplete(ctx.succeeding(unknown -> ctx.verify(() -> {
          assertEquals("Unknown target(s): db-9, cache; expected 'all', a worker name or a group",
              unknown.getMessage());
          assertEquals(new JsonArray().add("db-9").add("cache"), ((JsonObject) unknown.details()).getJsonArray("unknown"));
          ctx.completeNow();
        })));
  }

  @Test
  void allWithNoWorkerTakingWorkIsAnEmptyList(VertxTestContext ctx) {
    registry.client.delete("w-1")
        .compose(gone -> registry.client.delete("w-2"))
        .compose(gone -> registry.client.resolve(List.of("all")))
        .onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
          assertTrue(workers.isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void missingEmptyOrNonTextTargetsAre400(VertxTestContext ctx) {
    Await.failure(resolveRaw(new JsonObject()), 400)
        .compose(missing -> Await.failure(resolveRaw(new JsonObject().put("targets", new JsonArray())), 400))
        .compose(empty -> Await.failure(resolveRaw(new JsonObject().put("targets", new JsonArray().add(" "))), 400))
        .compose(blank -> Await.failure(resolveRaw(new JsonObject().put("targets", new JsonArray().add(7))), 400))
        .compose(number -> Await.failure(resolveRaw(new JsonObject().put("targets", "all")), 400))
        .onComplete(ctx.succeeding(notAList -> ctx.verify(() -> {
          assertTrue(notAList.getMessage().startsWith("targets must be"), notAList.getMessage());
          ctx.completeNow();
        })));
  }

  private Future<JsonObject> resolveRaw(JsonObject body) {
    return registry.client.request(Addresses.REGISTRY_RESOLVE, body, "registry");
  }

  private static List<String> summary(JsonArray workers) {
    return workers.stream().map(w -> (JsonObject) w).map(w -> w.getString("name") + ":" + w.getString("status"))
        .toList();
  }
}
