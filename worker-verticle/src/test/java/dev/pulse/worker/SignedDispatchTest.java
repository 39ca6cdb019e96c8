package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static dev.pulse.worker.WorkerHarness.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.signing.DispatchSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Commands put straight onto the bus run only with a valid, fresh signature for this worker. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignedDispatchTest {

  private Vertx vertx;
  private WorkerHarness worker;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path state, @TempDir Path work) {
    this.vertx = vertx;
    worker = new WorkerHarness(vertx, state, work).withRegistry().withReceiver();
    worker.deploy().awaitAccepted();
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  private CommandDispatch touching(String commandId, String file, String forWorker) {
    return new CommandDispatch(commandId, "exec-1", 0, forWorker, "touch " + file, 5000, null, null,
        Addresses.ENGINE_RESULTS);
  }

  /** Refused with 403 and this reason, reported to the engine's results, and the file never appears. */
  private void assertRefused(PulseException refused, String commandId, String file, String reasonStart)
      throws InterruptedException {
    assertEquals(403, refused.status());
    assertTrue(refused.getMessage().startsWith(reasonStart), refused.getMessage());
    JsonObject report = worker.result(commandId);
    assertFalse(report.getBoolean("success"));
    assertEquals(-1, report.getInteger("exit_code"));
    assertTrue(report.getString("error").startsWith(reasonStart), report.encode());
    assertEquals(worker.workerId(), report.getString("worker_id"));
    Thread.sleep(300);
    assertFalse(Files.exists(worker.workDir.resolve(file)), "the command never ran");
  }

  @Test
  void unsignedCommandSentStraightOntoTheBusIsRefusedAndNeverRuns() throws Exception {
    PulseException refused = failure(worker.rawExecute(touching("u-1", "unsigned", worker.workerId()).toJson()));
    assertRefused(refused, "u-1", "unsigned", "refused: unsigned dispatch");
  }

  @Test
  void tamperedCommandIsRefusedAndNeverRuns() throws Exception {
    JsonObject body = WorkerHarness.SIGNER.sign(new CommandDispatch("t-1", "exec-1", 0, worker.workerId(),
        "echo harmless", 5000, null, null, Addresses.ENGINE_RESULTS)).toJson().put("command", "touch tampered");
    PulseException refused = failure(worker.rawExecute(body));
    assertRefused(refused, "t-1", "tampered", "refused: invalid signature");
  }

  @Test
  void commandSignedWithAnotherKeyIsRefused() throws Exception {
    DispatchSigner stranger = new DispatchSigner(dev.pulse.contracts.signing.DispatchKeys.generate().getPrivate());
    PulseException refused = failure(worker.rawExecute(stranger.sign(touching("k-1", "stranger",
        worker.workerId())).toJson()));
    assertRefused(refused, "k-1", "stranger", "refused: invalid signature");
  }

  @Test
  void correctlySignedCommandRuns() {
    await(worker.rawExecute(WorkerHarness.SIGNER.sign(touching("s-1", "signed", worker.workerId())).toJson()));
    JsonObject result = worker.result("s-1");
    assertTrue(result.getBoolean("success"), result.encode());
    assertTrue(Files.exists(worker.workDir.resolve("signed")));
  }

  @Test
  void commandSignedForAnotherWorkerIsRefused() throws Exception {
    PulseException refused = failure(worker.rawExecute(WorkerHarness.SIGNER.sign(touching("o-1", "other",
        "some-other-worker")).toJson()));
    assertRefused(refused, "o-1", "other", "refused: dispatch is for worker some-other-worker");
  }

  @Test
  void expiredCommandIsRefused() throws Exception {
    DispatchSigner late = new DispatchSigner(WorkerHarness.DISPATCH_KEYS.getPrivate(),
        () -> System.currentTimeMillis() - 11 * 60_000);
    PulseException refused = failure(worker.rawExecute(late.sign(touching("x-1", "expired", worker.workerId()))
        .toJson()));
    assertRefused(refused, "x-1", "expired", "refused: dispatch expired");
  }

  @Test
  void refusalIsReportedOnlyToResultAddressesAndDoesNotBurnTheCommandId() throws Exception {
    List<JsonObject> relayed = new CopyOnWriteArrayList<>();
    String elsewhere = Addresses.workerControl("victim");
    vertx.eventBus().<JsonObject>consumer(elsewhere, message -> {
      relayed.add(message.body());
      message.reply(new JsonObject());
    }).completion().await();
    CommandDispatch forged = new CommandDispatch("r-1", null, -1, worker.workerId(), "touch relayed", 5000, null,
        null, elsewhere);
    assertEquals(403, failure(worker.rawExecute(forged.toJson())).status());
    Thread.sleep(300);
    assertTrue(relayed.isEmpty(), "a forged reply_to gets nothing");

    assertEquals(403, failure(worker.rawExecute(touching("r-2", "burnt", worker.workerId()).toJson())).status());
    JsonObject genuine = await(worker.dispatch("r-2", "touch burnt"));
    assertFalse(genuine.getBoolean("duplicate", false), "a forged dispatch does not use up the id");
    WorkerHarness.waitFor("the genuine command's file", () -> Files.exists(worker.workDir.resolve("burnt")));
  }
}
