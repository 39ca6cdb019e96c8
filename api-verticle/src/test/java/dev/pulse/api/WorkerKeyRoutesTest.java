package dev.pulse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.PulseException;
import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.storage.Migrations;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /api/workers/:id/key/rotate} and {@code /key/revoke}: admins only, same-origin, audited,
 * with the registry played by bus consumers that record what reached them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerKeyRoutesTest {

  private static final Map<String, String> ADMIN = Map.of("Remote-User", "ada", "Remote-Groups", "admin");
  private static final Map<String, String> EMPLOYEE = Map.of("Remote-User", "eve", "Remote-Groups", "employee");

  private static Vertx vertx;
  private static Http http;
  private static final List<JsonObject> calls = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    DbConfig db = TestDatabase.fresh();
    Pool pool = Database.pool(vertx, db);
    Migrations.apply(pool).await();
    pool.close().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.REGISTRY_KEY_ROTATE, message -> answer(message,
        new JsonObject().put("rotated", true).put("delivered", true).put("message", "new key")));
    vertx.eventBus().<JsonObject>consumer(Addresses.REGISTRY_KEY_REVOKE, message -> answer(message,
        new JsonObject().put("revoked", true).put("status", "revoked")));
    ApiVerticle api = new ApiVerticle();
    vertx.deployVerticle(api, new DeploymentOptions().setConfig(new JsonObject().mergeIn(db.toConfig())
        .put("PORT", 0).put("BUS_TIMEOUT_MS", 1000))).await();
    http = new Http(api.actualPort());
  }

  /** Plays the registry: workers "web-01" (id w-1) exists, anything else is 404. */
  private static void answer(Message<JsonObject> message, JsonObject reply) {
    calls.add(message.body());
    String id = message.body().getString("worker_id");
    if (!"web-01".equals(id) && !"w-1".equals(id)) {
      message.fail(404, PulseException.notFound("Worker '" + id + "' not found").toFailureMessage());
      return;
    }
    message.reply(reply.put("worker_id", "w-1").put("name", "web-01"));
  }

  @AfterAll
  static void stop() {
    http.close();
    vertx.close().await();
  }

  private static JsonArray audit(String action, String targetId) {
    return http.get("/api/audit?action=" + action + "&target_id=" + targetId, ADMIN).json().getJsonArray("entries");
  }

  @Test
  void adminRotatesAKeyByNameAndTheAuditNamesTheWorkerId() {
    Http.Response response = http.post("/api/workers/web-01/key/rotate", null, ADMIN);
    assertEquals(200, response.status(), response.body());
    assertEquals(true, response.json().getBoolean("delivered"));
    JsonObject call = calls.stream().filter(c -> "web-01".equals(c.getString("worker_id"))).findFirst().orElseThrow();
    assertEquals("ada", call.getString("requested_by"));
    JsonArray entries = audit("worker.key.rotate", "w-1");
    assertEquals(1, entries.size(), entries.encode());
    assertEquals("ada", entries.getJsonObject(0).getString("actor"));
    assertEquals("worker", entries.getJsonObject(0).getString("target_type"));
  }

  @Test
  void adminRevokesAKeyAndItIsAudited() {
    Http.Response response = http.post("/api/workers/w-1/key/revoke", "{}", ADMIN);
    assertEquals(200, response.status(), response.body());
    assertEquals("revoked", response.json().getString("status"));
    assertEquals(1, audit("worker.key.revoke", "w-1").size());
  }

  @Test
  void employeeMayNeitherRotateNorRevokeAndTheRegistryNeverHearsOfIt() {
    int before = calls.size();
    assertEquals(403, http.post("/api/workers/w-9/key/rotate", null, EMPLOYEE).status());
    assertEquals(403, http.post("/api/workers/w-9/key/revoke", null, EMPLOYEE).status());
    assertEquals(401, http.post("/api/workers/w-9/key/revoke", null, Map.of()).status());
    assertEquals(before, calls.size());
  }

  @Test
  void crossOriginRevokeIsRefusedBeforeReachingTheRegistry() {
    int before = calls.size();
    Map<String, String> headers = new HashMap<>(ADMIN);
    headers.put("Origin", "https://evil.example.com");
    Http.Response response = http.post("/api/workers/w-8/key/revoke", null, headers);
    assertEquals(403, response.status());
    assertTrue(response.json().getString("error").startsWith("Cross-origin request refused"), response.body());
    assertEquals(before, calls.size());
  }

  @Test
  void unknownWorkerIs404AndLeavesNoAuditRow() {
    Http.Response response = http.post("/api/workers/nobody/key/rotate", null, ADMIN);
    assertEquals(404, response.status());
    assertEquals("Worker 'nobody' not found", response.json().getString("error"));
    assertEquals(0, audit("worker.key.rotate", "nobody").size());
  }
}
