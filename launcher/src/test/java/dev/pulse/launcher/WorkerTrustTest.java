package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.WorkerConnect;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.contracts.signing.DispatchSigner;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dev mode with real workers, registry, engine and MariaDB: only commands signed by the server
 * run, whatever else a process on the bus sends; an admin rotates or revokes a worker's key.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerTrustTest {

  private static final Map<String, String> ADMIN = ApiDriver.ADMIN;

  private static Launched pulse;
  private static Http http;
  private static JsonObject settings;
  private static Path dir;
  private static BusClient bus;

  @BeforeAll
  static void start() throws IOException {
    dir = TestDatabase.dataDir().resolve("trust-" + UUID.randomUUID());
    Files.createDirectories(dir);
    settings = Settings.defaults().mergeIn(TestDatabase.fresh().toConfig()).put("DATA_DIR", dir.toString())
        .put("PORT", 0).put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "trusty").put("WORKER_CWD", dir.toString());
    pulse = DevMode.start(settings);
    JsonObject victim = settings.copy().put("WORKER_NAME", "victim");
    victim.remove("DISPATCH_PRIVATE_KEY");
    Workers.deploy(pulse.vertx(), victim, 1);
    http = new Http(pulse.httpPort());
    bus = new BusClient(pulse.vertx().eventBus(), 5_000);
    Await.until(Duration.ofSeconds(30), "both workers online", () -> workers().stream()
        .filter(w -> "online".equals(((JsonObject) w).getString("status"))).count() == 2 ? Boolean.TRUE : null);
  }

  @AfterAll
  static void stop() {
    http.close();
    pulse.close();
  }

  @Test
  void localWorkerGetsTheGeneratedPublicKeyAndTheKeyPairStaysOnDisk() throws IOException {
    Path secrets = dir.resolve("secrets");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(secrets.resolve(Secrets.DISPATCH_PRIVATE_FILE))));
    assertEquals(settings.getString("DISPATCH_PUBLIC_KEY"), DispatchKeys.base64(DispatchKeys.readPublicKeys(
        secrets.resolve(Secrets.DISPATCH_PUBLIC_FILE), "test").get(0)));
    assertTrue(DispatchKeys.pairs(DispatchKeys.privateKey(settings.getString("DISPATCH_PRIVATE_KEY"), "test"),
        DispatchKeys.publicKeys(settings.getString("DISPATCH_PUBLIC_KEY"), "test").get(0)));
  }

  @Test
  void forgedCommandsStraightOnTheBusAreRefusedAndNeverRunWhileSignedOnesDo() throws Exception {
    String id = workerId("trusty");
    DispatchSigner server = new DispatchSigner(DispatchKeys.privateKey(settings.getString("DISPATCH_PRIVATE_KEY"),
        "DISPATCH_PRIVATE_KEY"));
    DispatchSigner late = new DispatchSigner(DispatchKeys.privateKey(settings.getString("DISPATCH_PRIVATE_KEY"),
        "DISPATCH_PRIVATE_KEY"), () -> System.currentTimeMillis() - 11 * 60_000);

    JsonObject unsigned = touching(id, "unsigned").toJson();
    JsonObject tampered = server.sign(new CommandDispatch("c-" + UUID.randomUUID(), null, -1, id, "true", 5000,
        null, null, Addresses.ENGINE_RESULTS)).toJson().put("command", "touch " + dir.resolve("tampered"));
    JsonObject elsewhere = server.sign(touching("someone-else", "elsewhere")).toJson();
    JsonObject expired = late.sign(touching(id, "expired")).toJson();
    for (JsonObject forged : List.of(unsigned, tampered, elsewhere, expired)) {
      PulseException refused = failure(bus.request(Addresses.workerExecute(id), forged, "worker"));
      assertEquals(403, refused.status(), forged.encode());
      assertTrue(refused.getMessage().startsWith("refused: "), refused.getMessage());
    }

    String commandId = runCommand(id, "touch " + dir.resolve("signed"));
    JsonObject result = awaitResult(commandId);
    assertTrue(result.getBoolean("success"), result.encode());
    Thread.sleep(500);
    for (String file : List.of("unsigned", "tampered", "elsewhere", "expired")) {
      assertFalse(Files.exists(dir.resolve(file)), file + " never ran");
    }
    assertTrue(Files.exists(dir.resolve("signed")));
  }

  @Test
  void rotatedKeyReplacesTheOldOneAtOnceAndTheWorkerKeepsWorking() throws Exception {
    String id = workerId("trusty");
    String oldKey = storedKey("trusty");

    Http.Response rotated = http.post("/api/workers/" + id + "/key/rotate", null, ADMIN);

    assertEquals(200, rotated.status(), rotated.body());
    assertTrue(rotated.json().getBoolean("delivered"), rotated.body());
    String newKey = storedKey("trusty");
    assertFalse(oldKey.equals(newKey));
    assertEquals(401, heartbeat(id, "trusty", oldKey).status());
    assertEquals(200, heartbeat(id, "trusty", newKey).status());
    Thread.sleep(2_500);
    assertEquals("online", worker("trusty").getString("status"), "heartbeats go on with the new key");
    assertTrue(awaitResult(runCommand(id, "echo after rotation")).getBoolean("success"));
    assertEquals(1, audit("worker.key.rotate", id).size());
  }

  @Test
  void revokedWorkerIsRefusedAtOnceAndTheSharedKeyCannotEnrolItAgainUntilDeleted() throws Exception {
    String id = workerId("victim");
    String ownKey = storedKey("victim");
    String shared = settings.getString("WORKER_API_KEY");

    Http.Response revoked = http.post("/api/workers/" + id + "/key/revoke", null, ADMIN);

    assertEquals(200, revoked.status(), revoked.body());
    assertEquals("revoked", worker("victim").getString("status"));
    assertEquals(401, heartbeat(id, "victim", ownKey).status());
    assertEquals(401, heartbeat(id, "victim", shared).status());
    RegistryClient registry = new RegistryClient(pulse.vertx().eventBus(), 5_000);
    assertEquals(401, failure(registry.connect(new WorkerConnect(id, "victim", shared, List.of(), "x"))).status());
    assertEquals(401, failure(registry.connect(new WorkerConnect(UUID.randomUUID().toString(), "victim", shared,
        List.of(), "x"))).status());
    assertEquals(409, http.post("/api/workers/" + id + "/command", "{\"command\":\"true\"}", ADMIN).status());
    Await.until(Duration.ofSeconds(10), "the worker to forget its revoked key",
        () -> storedKey("victim") == null ? Boolean.TRUE : null);
    assertEquals(1, audit("worker.key.revoke", id).size());

    assertEquals(200, http.delete("/api/workers/" + id, ADMIN).status());
    assertTrue(registry.connect(new WorkerConnect(id, "victim", shared, List.of(), "x")).await()
        .getBoolean("accepted"), "deleted, it may enrol again");
  }

  private CommandDispatch touching(String workerId, String file) {
    return new CommandDispatch("c-" + UUID.randomUUID(), null, -1, workerId, "touch " + dir.resolve(file), 5000,
        null, null, Addresses.ENGINE_RESULTS);
  }

  private static String runCommand(String workerId, String command) {
    Http.Response accepted = http.post("/api/workers/" + workerId + "/command",
        new JsonObject().put("command", command).encode(), ADMIN);
    assertEquals(202, accepted.status(), accepted.body());
    return accepted.json().getString("command_id");
  }

  private static JsonObject awaitResult(String commandId) {
    return Await.until(Duration.ofSeconds(30), "the result of " + commandId, () ->
        http.get("/api/commands/" + commandId, ADMIN).json().getJsonObject("result"));
  }

  private static Http.Response heartbeat(String id, String name, String key) {
    return http.post("/api/workers/heartbeat", new JsonObject().put("worker_id", id).put("name", name)
        .put("metadata", new JsonObject()).encode(), Map.of("X-API-Key", key));
  }

  private static JsonArray workers() {
    return new JsonArray(http.get("/api/workers", ADMIN).body());
  }

  private static JsonObject worker(String name) {
    return workers().stream().map(JsonObject.class::cast).filter(w -> name.equals(w.getString("name")))
        .findFirst().orElseThrow();
  }

  private static String workerId(String name) {
    return worker(name).getString("id");
  }

  private static JsonArray audit(String action, String targetId) {
    return http.get("/api/audit?action=" + action + "&target_id=" + targetId, ADMIN).json().getJsonArray("entries");
  }

  private static String storedKey(String workerName) {
    try {
      return new JsonObject(Files.readString(dir.resolve("worker").resolve(workerName).resolve("worker.json")))
          .getString("worker_key");
    } catch (IOException | io.vertx.core.json.DecodeException e) {
      return null;
    }
  }

  private static PulseException failure(Future<?> call) {
    try {
      call.await();
    } catch (PulseException e) {
      return e;
    }
    throw new AssertionError("the call succeeded but should have failed");
  }
}
