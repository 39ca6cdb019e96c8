package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static dev.pulse.worker.WorkerHarness.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.signing.WorkerKeyProof;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Control messages that change something need a server signature; key rotation proves the old key. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignedControlTest {

  private static final String OLD_KEY = "the-key-the-registry-issued";

  private WorkerHarness worker;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path state, @TempDir Path work) {
    worker = new WorkerHarness(vertx, state, work).withRegistry().withReceiver();
    worker.issuedKey = OLD_KEY;
    worker.deploy().awaitAccepted();
    WorkerHarness.waitFor("the issued key in the state file", () -> OLD_KEY.equals(storedKey()));
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void unsignedDrainAndCancelAreRefusedWhilePingStaysOpen() {
    PulseException drain = failure(worker.rawControl(new JsonObject().put("type", "drain")
        .put("worker_id", worker.workerId())));
    assertEquals(403, drain.status());
    assertEquals("refused: unsigned control message", drain.getMessage());
    assertEquals(403, failure(worker.rawControl(new JsonObject().put("type", "cancel").put("command_id", "c")))
        .status());
    assertEquals("pong", await(worker.rawControl(new JsonObject().put("type", "ping"))).getString("type"));
    await(worker.dispatch("after-drain", "echo still taking work"));
    assertTrue(worker.result("after-drain").getBoolean("success"), "the forged drain changed nothing");
  }

  @Test
  void signedRotationStoresANewKeyAndProvesTheOldOneWithoutSendingEither() {
    String nonce = WorkerKeyProof.nonce();
    JsonObject reply = await(worker.control(new JsonObject().put("type", "rotate_key").put("nonce", nonce)));

    String newKey = storedKey();
    assertFalse(OLD_KEY.equals(newKey));
    assertEquals(WorkerKeyProof.hash(newKey), reply.getString("key_hash"));
    assertTrue(WorkerKeyProof.matches(WorkerKeyProof.hash(OLD_KEY), nonce, reply.getString("key_hash"),
        reply.getString("proof")));
    assertFalse(reply.encode().contains(newKey), "the new key never crosses the bus");
    int seen = worker.heartbeats.size();
    WorkerHarness.waitFor("a heartbeat with the new key", () -> worker.heartbeats.stream().skip(seen)
        .anyMatch(beat -> newKey.equals(beat.getString("api_key"))));

    PulseException replay = failure(worker.control(new JsonObject().put("type", "rotate_key").put("nonce", nonce)));
    assertEquals(409, replay.status());
    assertEquals(newKey, storedKey(), "a replayed rotation changes nothing");
  }

  @Test
  void unsignedRotationIsRefusedAndTheKeyStays() {
    PulseException refused = failure(worker.rawControl(new JsonObject().put("type", "rotate_key")
        .put("nonce", "n-1").put("worker_id", worker.workerId())));
    assertEquals(403, refused.status());
    assertEquals(OLD_KEY, storedKey());
  }

  @Test
  void signedRevocationStopsWorkAtOnceAndForgetsTheKey() throws Exception {
    await(worker.control(new JsonObject().put("type", "revoked")));

    PulseException refused = failure(worker.dispatch("after-revoke", "touch revoked"));
    assertEquals(403, refused.status());
    assertEquals("worker not enrolled", refused.getMessage());
    assertNull(storedKey());
    Thread.sleep(300);
    assertFalse(Files.exists(worker.workDir.resolve("revoked")));
  }

  private String storedKey() {
    try {
      return new JsonObject(Files.readString(worker.stateDir.resolve("worker.json"))).getString("worker_key");
    } catch (java.io.IOException | io.vertx.core.json.DecodeException e) {
      return null;
    }
  }
}
