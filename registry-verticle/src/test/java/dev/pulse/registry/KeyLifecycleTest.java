package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.BusPolicy;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.signing.BusGrants;
import dev.pulse.contracts.signing.DispatchVerifier;
import dev.pulse.contracts.signing.WorkerKeyProof;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** An admin rotates or revokes a worker's own key; the registry refuses the old key at once. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyLifecycleTest {

  private static final String SHARED = RegistryHarness.SHARED_KEY;
  private static final DispatchVerifier VERIFIER =
      new DispatchVerifier(List.of(RegistryHarness.DISPATCH_KEYS.getPublic()), 60_000);

  private RegistryHarness registry;
  private final List<JsonObject> controls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject());
  }

  /** Enrols w-1 as web-01 with the shared key; yields its own key. */
  private String enrol() {
    return registry.connect("w-1", "web-01", SHARED).await().getString("worker_key");
  }

  /** A worker on the bus that verifies control messages and answers rotations as a real worker does. */
  private void standIn(AtomicReference<String> key) {
    StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting(), body -> {
      controls.add(body);
      if (VERIFIER.checkControl(body, "w-1").isPresent()) {
        return Future.failedFuture(new PulseException(403, "refused: invalid signature"));
      }
      if (!WorkerKeyProof.ROTATE_KEY.equals(body.getString("type"))) {
        return Future.succeededFuture(new JsonObject().put("ok", true));
      }
      String next = WorkerKeyProof.newKey();
      String hash = WorkerKeyProof.hash(next);
      JsonObject reply = new JsonObject().put("key_hash", hash)
          .put("proof", WorkerKeyProof.proof(key.get(), body.getString("nonce"), hash));
      key.set(next);
      return Future.succeededFuture(reply);
    }).await();
  }

  private int heartbeatStatus(String key) {
    return status(registry.heartbeat("w-1", "web-01", key, new JsonObject()));
  }

  private static int status(Future<?> call) {
    try {
      call.await();
      return 200;
    } catch (PulseException e) {
      return e.status();
    }
  }

  @Test
  void rotationGivesTheWorkerANewKeyAndRefusesTheOldOneAtOnce() {
    String oldKey = enrol();
    AtomicReference<String> held = new AtomicReference<>(oldKey);
    standIn(held);

    JsonObject reply = registry.client.rotateKey("web-01", "ada").await();

    assertEquals("w-1", reply.getString("worker_id"));
    assertTrue(reply.getBoolean("delivered"), reply.encode());
    String newKey = held.get();
    assertFalse(oldKey.equals(newKey));
    JsonObject asked = controls.get(0);
    assertEquals(Optional.empty(), VERIFIER.checkControl(asked, "w-1"), "the rotation request is signed");
    assertFalse(asked.encode().contains(newKey) || reply.encode().contains(newKey), "no key crosses the bus");
    assertEquals(401, heartbeatStatus(oldKey));
    assertEquals(200, heartbeatStatus(newKey));
    assertEquals(401, status(registry.connect("w-1", "web-01", oldKey)));
    assertFalse(registry.connect("w-1", "web-01", newKey).await().containsKey("worker_key"));
    assertEquals(WorkerKeyProof.hash(newKey), registry.workerRow("w-1").await().getString("api_key"));
  }

  @Test
  void answerWithoutProofOfTheOldKeyClearsTheKeyInstead() {
    String oldKey = enrol();
    standIn(new AtomicReference<>("an impostor's guess"));

    JsonObject reply = registry.client.rotateKey("w-1", "ada").await();

    assertFalse(reply.getBoolean("delivered"));
    assertTrue(reply.getString("message").contains("did not prove it holds the old key"), reply.getString("message"));
    assertEquals(401, heartbeatStatus(oldKey));
    assertNull(registry.workerRow("w-1").await().getString("api_key"));
    String fresh = registry.connect("w-1", "web-01", SHARED).await().getString("worker_key");
    assertEquals(200, heartbeatStatus(fresh), "the worker enrols again with WORKER_API_KEY");
  }

  @Test
  void rotationOfAnUnreachableWorkerStillRefusesTheOldKey() {
    String oldKey = enrol();
    JsonObject reply = registry.client.rotateKey("w-1", "ada").await();
    assertFalse(reply.getBoolean("delivered"));
    assertTrue(reply.getString("message").contains("its old key is refused"), reply.getString("message"));
    assertEquals(401, heartbeatStatus(oldKey));
  }

  @Test
  void workerThatNeverAnswersHasItsKeyClearedWithinTheCallersOwnTimeout() {
    String oldKey = enrol();
    StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting(), body -> io.vertx.core.Promise
        .<JsonObject>promise().future()).await();
    RegistryClient sameTimeout = new RegistryClient(registry.vertx.eventBus(), 1_000).as(new BusClient.Grant(
        BusGrants.fromDispatchKey(RegistryHarness.DISPATCH_KEYS.getPrivate()), "ada", BusPolicy.ADMIN));

    JsonObject reply = sameTimeout.rotateKey("w-1", "ada").await();

    assertFalse(reply.getBoolean("delivered"), reply.encode());
    assertEquals(401, heartbeatStatus(oldKey));
  }

  @Test
  void unknownWorkersAre404AndRevokedOnesCannotBeRotated() {
    assertEquals(404, status(registry.client.rotateKey("nobody", "ada")));
    assertEquals(404, status(registry.client.revokeKey("nobody", "ada")));
    assertEquals(400, status(registry.client.rotateKey(" ", "ada")));
    enrol();
    registry.client.revokeKey("w-1", "ada").await();
    assertEquals(409, status(registry.client.rotateKey("w-1", "ada")));
  }

  @Test
  void revokedWorkerIsRefusedAtOnceAndTheSharedKeyCannotEnrolItUntilDeleted() {
    String ownKey = enrol();
    standIn(new AtomicReference<>(ownKey));

    JsonObject reply = registry.client.revokeKey("web-01", "ada").await();

    assertEquals(new JsonObject().put("worker_id", "w-1").put("name", "web-01").put("revoked", true)
        .put("status", "revoked"), reply);
    registry.events.next("w-1", "revoked").await();
    assertEquals(401, heartbeatStatus(ownKey));
    assertEquals(401, heartbeatStatus(SHARED));
    PulseException refused = assertRefused(registry.connect("w-1", "web-01", SHARED));
    assertTrue(refused.getMessage().contains("is revoked"), refused.getMessage());
    assertRefused(registry.connect("w-new", "web-01", SHARED));
    assertEquals(409, status(registry.client.runCommand(new JsonObject().put("worker_id", "w-1")
        .put("command", "uptime"))));
    Await.until(registry.vertx, () -> Future.succeededFuture(controls.size()), n -> n > 0, 5_000).await();
    assertEquals("revoked", controls.get(0).getString("type"));
    assertEquals(Optional.empty(), VERIFIER.checkControl(controls.get(0), "w-1"), "the worker is told, signed");

    registry.undeploy().await();
    registry.deploy(new JsonObject()).await();
    assertEquals("revoked", registry.client.list().await().getJsonObject(0).getString("status"));
    assertRefused(registry.connect("w-1", "web-01", SHARED));
    assertNull(registry.workerRow("w-1").await().getString("api_key"));

    registry.client.delete("w-1").await();
    assertTrue(registry.connect("w-1", "web-01", SHARED).await().getBoolean("accepted"));
  }

  private static PulseException assertRefused(Future<?> call) {
    try {
      call.await();
    } catch (PulseException e) {
      assertEquals(401, e.status(), e.getMessage());
      return e;
    }
    throw new AssertionError("the call succeeded but should have been refused");
  }
}
