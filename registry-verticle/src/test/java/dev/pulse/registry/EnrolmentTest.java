package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EnrolmentTest {

  private RegistryHarness registry;

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject());
  }

  @Test
  void pingRepliesWithTheRegistryRole(VertxTestContext ctx) {
    registry.client.ping().onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals("registry", reply.getString("role"));
      ctx.completeNow();
    })));
  }

  @Test
  void sharedKeyIssuesAWorkerKeyThatLaterWorksOnItsOwn(VertxTestContext ctx) {
    String[] issued = new String[1];
    registry.connect("w-1", "web-01", RegistryHarness.SHARED_KEY, "web")
        .compose(reply -> {
          assertTrue(reply.getBoolean("accepted"));
          assertEquals("w-1", reply.getString("worker_id"));
          issued[0] = reply.getString("worker_key");
          assertEquals(43, issued[0].length(), "32 random bytes in base64url without padding");
          return registry.workerRow("w-1");
        })
        .compose(row -> {
          assertEquals(sha256Hex(issued[0]), row.getString("api_key"), "only the key's SHA-256 is stored");
          assertNotEquals(issued[0], row.getString("api_key"));
          return registry.connect("w-1", "web-01", issued[0], "web");
        })
        .compose(reply -> {
          assertTrue(reply.getBoolean("accepted"));
          assertFalse(reply.containsKey("worker_key"), "a worker presenting its own key gets no new one");
          return registry.heartbeat("w-1", "web-01", issued[0], new JsonObject());
        })
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("online", reply.getString("status"));
          ctx.completeNow();
        })));
  }

  @Test
  void connectPublishesAWorkerUpdate(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", RegistryHarness.SHARED_KEY)
        .compose(reply -> registry.events.next("w-1", "online"))
        .onComplete(ctx.succeeding(event -> ctx.verify(() -> {
          assertEquals("worker_update", event.getString("type"));
          assertEquals("web-01", event.getString("name"));
          ctx.completeNow();
        })));
  }

  @Test
  void wrongKeyIsRefusedWithTheWorkerNamedAndNeverGetsARow(VertxTestContext ctx) {
    Await.failure(registry.connect("w-1", "web-01", "not-the-key"), 401)
        .compose(refused -> {
          assertTrue(refused.getMessage().startsWith("API key refused for worker 'web-01'"), refused.getMessage());
          assertFalse(refused.getMessage().contains("not-the-key"));
          return registry.count("SELECT COUNT(*) FROM workers");
        })
        .compose(rows -> {
          assertEquals(0L, rows);
          return registry.client.list();
        })
        .onComplete(ctx.succeeding(workers -> ctx.verify(() -> {
          assertTrue(workers.isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  void oneWorkersOwnKeyDoesNotAdmitAnother(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", RegistryHarness.SHARED_KEY)
        .compose(reply -> Await.failure(registry.connect("w-2", "web-02", reply.getString("worker_key")), 401))
        .compose(refused -> registry.count("SELECT COUNT(*) FROM workers WHERE id = 'w-2'"))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(0L, rows);
          ctx.completeNow();
        })));
  }

  @Test
  void restartedWorkerWithTheSameIdKeepsItsRowAndName(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", RegistryHarness.SHARED_KEY, "web")
        .compose(first -> registry.connect("w-1", "web-01", first.getString("worker_key"), "web", "eu"))
        .compose(second -> registry.client.list())
        .compose(workers -> {
          assertEquals(1, workers.size());
          JsonObject worker = workers.getJsonObject(0);
          assertEquals("w-1", worker.getString("id"));
          assertEquals("web-01", worker.getString("name"));
          assertEquals("online", worker.getString("status"));
          assertEquals(2, worker.getJsonArray("groups").size());
          return registry.workerRow("w-1");
        })
        .onComplete(ctx.succeeding(row -> ctx.verify(() -> {
          assertEquals("web-01", row.getString("name"));
          assertEquals("web,eu", row.getString("worker_groups"));
          assertEquals("1.0.0", row.getString("version"));
          ctx.completeNow();
        })));
  }

  @Test
  void nameOfAnOnlineWorkerCannotBeTakenByAnotherId(VertxTestContext ctx) {
    registry.connect("w-1", "web-01", RegistryHarness.SHARED_KEY)
        .compose(first -> Await.failure(registry.connect("w-2", "web-01", RegistryHarness.SHARED_KEY), 409))
        .compose(conflict -> {
          assertTrue(conflict.getMessage().contains("web-01"), conflict.getMessage());
          return registry.rows("SELECT id FROM workers");
        })
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(1, rows.size());
          assertEquals("w-1", rows.get(0).getString("id"));
          ctx.completeNow();
        })));
  }

  @Test
  void invalidConnectRequestsAreRejectedNamingTheField(VertxTestContext ctx) {
    Await.failure(registry.connect(null, "web-01", RegistryHarness.SHARED_KEY), 400)
        .compose(noId -> {
          assertTrue(noId.getMessage().startsWith("worker_id"), noId.getMessage());
          return Await.failure(registry.connect("w-1", " ", RegistryHarness.SHARED_KEY), 400);
        })
        .compose(noName -> Await.failure(registry.connect("w-1", "all", RegistryHarness.SHARED_KEY), 400))
        .compose(reserved -> Await.failure(registry.connect("w/1", "web-01", RegistryHarness.SHARED_KEY), 400))
        .compose(badId -> Await.failure(registry.connect("w-1", "web-01", RegistryHarness.SHARED_KEY, "a,b"), 400))
        .compose(badGroup -> Await.failure(registry.client.request(Addresses.REGISTRY_CONNECT,
            new JsonObject().put("worker_id", "w-1").put("worker_name", "web-01").put("api_key", RegistryHarness.SHARED_KEY)
                .put("groups", "web"), "registry"), 400))
        .compose(wrongType -> registry.count("SELECT COUNT(*) FROM workers"))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertEquals(0L, rows);
          ctx.completeNow();
        })));
  }

  @Test
  void connectWithoutAKeyIsRefused(VertxTestContext ctx) {
    Await.failure(registry.connect("w-1", "web-01", null), 401)
        .onComplete(ctx.succeedingThenComplete());
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
