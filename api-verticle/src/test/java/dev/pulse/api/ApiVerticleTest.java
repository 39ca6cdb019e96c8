package dev.pulse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.storage.Migrations;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API verticle over real HTTP and a real MariaDB. The engine and registry are played by bus
 * consumers that record what reached them, so each test can check that a refused request had
 * no side effect.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiVerticleTest {

  private static final Map<String, String> ADMIN = Map.of("Remote-User", "ada", "Remote-Groups", "admin,ops",
      "Remote-Name", "Ada Admin", "Remote-Email", "ada@example.com");
  private static final Map<String, String> EMPLOYEE = Map.of("Remote-User", "eve", "Remote-Groups", "employee");

  private static Vertx vertx;
  private static Http http;
  private static int port;
  private static DbConfig db;
  private static final AtomicInteger engineCalls = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = TestDatabase.fresh();
    Pool pool = Database.pool(vertx, db);
    Migrations.apply(pool).await();
    pool.close().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.ENGINE_WORKFLOW_DELETE, message -> {
      engineCalls.incrementAndGet();
      message.reply(new JsonObject().put("deleted", true));
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.ENGINE_WORKFLOW_CREATE, message -> {
      engineCalls.incrementAndGet();
      message.fail(ErrorCodes.BAD_REQUEST, new PulseException(400, "The workflow definition has 1 problem(s)",
          new JsonObject().put("problems", new io.vertx.core.json.JsonArray().add(
              new JsonObject().put("path", "steps[0].type").put("message", "unknown type 'run'")))).toFailureMessage());
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.REGISTRY_LIST,
        message -> message.reply(new JsonObject().put("workers", new io.vertx.core.json.JsonArray())));
    vertx.eventBus().<JsonObject>consumer(Addresses.REGISTRY_PING,
        message -> message.reply(new JsonObject().put("role", "registry")));
    JsonObject config = new JsonObject().mergeIn(db.toConfig()).put("PORT", 0).put("BUS_TIMEOUT_MS", 500)
        .put("MAX_BODY_BYTES", 4096).put("PULSE_VERSION", "test");
    ApiVerticle api = new ApiVerticle();
    vertx.deployVerticle(api, new DeploymentOptions().setConfig(config)).await();
    port = api.actualPort();
    http = new Http(port);
  }

  @AfterAll
  static void stop() {
    http.close();
    vertx.close().await();
  }

  @Test
  void healthNeedsNoAuthAndNamesTheComponentThatIsDown() {
    Http.Response response = http.get("/health");
    assertEquals(503, response.status(), "no engine is running");
    JsonObject body = response.json();
    assertEquals("degraded", body.getString("status"));
    assertEquals("connected", body.getString("database"));
    assertEquals("authelia-sso", body.getString("auth"));
    String checks = body.getJsonArray("checks").encode();
    assertTrue(checks.contains("{\"id\":\"engine\",\"status\":\"DOWN\""), checks);
    assertTrue(checks.contains("{\"id\":\"registry\",\"status\":\"UP\""), checks);
  }

  @Test
  void currentUserComesFromSsoHeadersAndIsRecorded() {
    Http.Response response = http.get("/api/user", ADMIN);
    assertEquals(200, response.status(), response.body());
    JsonObject user = response.json();
    assertEquals("ada", user.getString("username"));
    assertEquals("admin", user.getString("role"));
    assertEquals("Ada Admin", user.getString("display_name"));
    Pool pool = Database.pool(vertx, db);
    var row = dev.pulse.testkit.Await.until(java.time.Duration.ofSeconds(10), "ada's users row", () -> {
      var rows = pool.preparedQuery("SELECT email, `groups`, last_login FROM users WHERE username = ?")
          .execute(Tuple.of("ada")).await();
      return rows.size() == 1 ? rows.iterator().next() : null;
    });
    pool.close().await();
    assertEquals("ada@example.com", row.getString("email"));
    assertEquals("admin,ops", row.getString("groups"));
    assertTrue(row.getLocalDateTime("last_login") != null);
  }

  @Test
  void requestWithoutSsoHeadersIs401() {
    Http.Response response = http.get("/api/workers");
    assertEquals(401, response.status());
    assertTrue(response.json().getString("error").contains("Remote-User"), response.body());
  }

  @Test
  void userInNeitherAllowedGroupIs403() {
    Http.Response response = http.get("/api/workers", Map.of("Remote-User", "mallory", "Remote-Groups", "guests"));
    assertEquals(403, response.status());
    assertTrue(response.json().getString("error").contains("mallory"), response.body());
  }

  @Test
  void employeeMayNotDeleteAWorkflowAndTheEngineNeverHearsOfIt() {
    int before = engineCalls.get();
    Http.Response response = http.delete("/api/workflows/some-id", EMPLOYEE);
    assertEquals(403, response.status());
    assertEquals(before, engineCalls.get(), "refused before reaching the engine");
    assertEquals(200, http.delete("/api/workflows/some-id", ADMIN).status());
  }

  @Test
  void validationProblemsFromTheEngineReachTheClientWithTheirPaths() {
    Http.Response response = http.post("/api/workflows", "{\"name\":\"x\",\"definition\":{\"steps\":[{\"type\":\"run\"}]}}", ADMIN);
    assertEquals(400, response.status());
    JsonObject body = response.json();
    assertEquals("steps[0].type", body.getJsonArray("problems").getJsonObject(0).getString("path"));
    assertEquals("unknown type 'run'", body.getJsonArray("problems").getJsonObject(0).getString("message"));
  }

  @Test
  void malformedJsonIs400AndNotAStackTrace() {
    Http.Response response = http.post("/api/workflows", "{not json", ADMIN);
    assertEquals(400, response.status());
    assertEquals("The body must be a JSON object", response.json().getString("error"));
    assertFalse(response.body().contains("Exception"));
  }

  @Test
  void oversizedBodyIs413() {
    String big = "{\"name\":\"" + "x".repeat(10_000) + "\"}";
    Http.Response response = http.post("/api/workflows", big, ADMIN);
    assertEquals(413, response.status());
    assertEquals("The request body is too large", response.json().getString("error"));
  }

  @Test
  void unknownApiRouteIsAJson404() {
    Http.Response response = http.get("/api/nothing-here", ADMIN);
    assertEquals(404, response.status());
    assertTrue(response.contentType().startsWith("application/json"));
  }

  @Test
  void componentThatDoesNotAnswerGives503WithAClearBody() {
    Http.Response response = http.get("/api/executions", EMPLOYEE);
    assertEquals(503, response.status());
    assertEquals("The engine is not running; try again shortly", response.json().getString("error"));
  }

  @Test
  void heartbeatOverHttpNeedsAnApiKey() {
    Http.Response response = http.post("/api/workers/heartbeat", "{\"name\":\"web-01\"}", Map.of());
    assertEquals(401, response.status());
    assertEquals("The X-API-Key header is required", response.json().getString("error"));
  }

  @Test
  void registryAnswersReachTheClient() {
    Http.Response response = http.get("/api/workers", EMPLOYEE);
    assertEquals(200, response.status(), response.body());
    assertEquals("[]", response.body());
  }


  @Test
  void crossOriginChangeIsRefusedBeforeReachingTheEngine() {
    int before = engineCalls.get();
    Map<String, String> headers = new java.util.HashMap<>(ADMIN);
    headers.put("Origin", "https://evil.example.com");
    Http.Response response = http.delete("/api/workflows/wf-1", headers);
    assertEquals(403, response.status());
    assertTrue(response.json().getString("error").startsWith("Cross-origin request refused"), response.body());
    assertEquals(before, engineCalls.get());
  }

  @Test
  void sameOriginAndDashboardHeaderChangesPass() {
    Map<String, String> sameOrigin = new java.util.HashMap<>(ADMIN);
    sameOrigin.put("Origin", "http://127.0.0.1:" + port);
    assertEquals(200, http.delete("/api/workflows/wf-2", sameOrigin).status());
    Map<String, String> dashboard = new java.util.HashMap<>(ADMIN);
    dashboard.put("Origin", "https://elsewhere.example.com");
    dashboard.put("X-Requested-With", "pulse-dashboard");
    assertEquals(200, http.delete("/api/workflows/wf-3", dashboard).status());
  }

  @Test
  void adminChangesAreAuditedWithActorAndSourceAndOnlyAdminsReadTheLog() {
    assertEquals(200, http.delete("/api/workflows/wf-audited", ADMIN).status());
    Http.Response page = http.get("/api/audit?action=workflow.delete&target_id=wf-audited", ADMIN);
    assertEquals(200, page.status(), page.body());
    JsonObject entry = page.json().getJsonArray("entries").getJsonObject(0);
    assertEquals("ada", entry.getString("actor"));
    assertEquals("workflow", entry.getString("target_type"));
    assertEquals("127.0.0.1", entry.getString("source_ip"));
    assertTrue(entry.getString("at").endsWith("Z"));
    assertEquals(403, http.get("/api/audit", EMPLOYEE).status());
  }

  @Test
  void refusedChangesLeaveNoAuditRow() {
    http.delete("/api/workflows/wf-refused", EMPLOYEE);
    Http.Response page = http.get("/api/audit?target_id=wf-refused", ADMIN);
    assertEquals(0, page.json().getJsonArray("entries").size());
  }
}
