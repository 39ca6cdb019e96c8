package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.worker.outbox.ResultOutbox;
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

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboxTest {

  private WorkerHarness worker;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path state, @TempDir Path work) {
    worker = new WorkerHarness(vertx, state, work).withRegistry();
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void resultWaitsForAReceiverAndArrivesExactlyOnce() throws Exception {
    worker.deploy().awaitAccepted();
    await(worker.dispatch("o-1", "echo late"));
    Path file = worker.stateDir.resolve("outbox/o-1.json");
    WorkerHarness.waitFor("the result in the outbox", () -> Files.exists(file));
    Thread.sleep(700);

    worker.withReceiver();

    assertEquals("late\n", worker.result("o-1").getString("stdout"));
    WorkerHarness.waitFor("the outbox file to go", () -> !Files.exists(file));
    Thread.sleep(1000);
    assertEquals(1, worker.deliveries("o-1"));
  }

  @Test
  void aResultAcknowledgedAtOnceIsNeverWrittenAndLeavesItsDeliveredMarker() throws Exception {
    worker.withReceiver().deploy().awaitAccepted();
    await(worker.dispatch("o-7", "echo quick"));

    assertEquals("quick\n", worker.result("o-7").getString("stdout"));
    Path marker = worker.stateDir.resolve("delivered/o-7");
    WorkerHarness.waitFor("the delivered marker", () -> Files.exists(marker));
    WorkerHarness.waitFor("the journal entry to go", () -> !Files.exists(worker.stateDir.resolve("inflight/o-7.json")));
    Thread.sleep(ResultOutbox.WRITE_AFTER_MS + 300);
    assertFalse(Files.exists(worker.stateDir.resolve("outbox/o-7.json")), "an acknowledged result is not written");
    assertEquals(1, worker.deliveries("o-7"));
  }

  @Test
  void resultProducedBeforeARestartIsDeliveredFromTheOutbox() throws Exception {
    worker.deploy().awaitAccepted();
    String workerId = worker.workerId();
    await(worker.dispatch("o-2", "echo before restart"));
    Path file = worker.stateDir.resolve("outbox/o-2.json");
    WorkerHarness.waitFor("the result in the outbox", () -> Files.exists(file));
    worker.undeploy();
    assertTrue(Files.exists(file), "stop keeps undelivered results on disk");

    worker.withReceiver().deploy();

    JsonObject result = worker.result("o-2");
    assertEquals("before restart\n", result.getString("stdout"));
    assertEquals(workerId, result.getString("worker_id"));
    WorkerHarness.waitFor("the outbox file to go", () -> !Files.exists(file));
    Thread.sleep(1000);
    assertEquals(1, worker.deliveries("o-2"));
    worker.awaitAccepted();
    assertTrue(await(worker.dispatch("o-2", "echo again")).getBoolean("duplicate"),
        "a delivered id is not run again after the restart");
  }

  @Test
  void aCapturedSignedDispatchReplayedAfterARestartDoesNotRunAgain() throws Exception {
    worker.withReceiver().deploy().awaitAccepted();
    Path ran = worker.workDir.resolve("replayed.txt");
    JsonObject signed = WorkerHarness.SIGNER.sign(new CommandDispatch("o-6", "exec-1", 0, worker.workerId(),
        "echo once >> '" + ran + "'", 10_000, null, null, Addresses.ENGINE_RESULTS)).toJson();
    await(worker.rawExecute(signed));
    worker.result("o-6");
    WorkerHarness.waitFor("the outbox to empty", () -> !Files.exists(worker.stateDir.resolve("outbox/o-6.json")));
    worker.undeploy();

    worker.deploy().awaitAccepted();
    JsonObject replay = await(worker.rawExecute(signed));

    assertTrue(replay.getBoolean("duplicate", false), "the replay is recognised: " + replay.encode());
    Thread.sleep(500);
    assertEquals(java.util.List.of("once"), Files.readAllLines(ran), "the command ran once");
  }

  @Test
  void commandInterruptedByACrashGetsAnErrorResultAfterRestart() throws Exception {
    Path inflight = Files.createDirectories(worker.stateDir.resolve("inflight"));
    CommandDispatch lost = new CommandDispatch("o-3", "exec-9", 2, "w", "sleep 100", 1000, null, null,
        Addresses.ENGINE_RESULTS);
    Files.writeString(inflight.resolve("o-3.json"), lost.toJson().encode());

    worker.withReceiver().deploy();

    JsonObject result = worker.result("o-3");
    assertFalse(result.getBoolean("success"));
    assertEquals("exec-9", result.getString("execution_id"));
    assertEquals(2, result.getInteger("step_index"));
    assertTrue(result.getString("error").contains("restarted"), result.getString("error"));
    WorkerHarness.waitFor("the journal entry to go", () -> !Files.exists(inflight.resolve("o-3.json")));
  }

  @Test
  void stopKillsCommandsStillRunningAfterTheGraceAndDeliversTheirResults() {
    worker.withReceiver().deploy().awaitAccepted();
    await(worker.dispatch("o-4", "echo started; sleep 30"));
    WorkerHarness.waitFor("the command to start", () -> worker.streamed("o-4", "stdout").contains("started"));
    long began = System.nanoTime();

    worker.undeploy();

    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
    assertTrue(tookMs >= 1000 && tookMs < 5000, "stop waits the 1 s grace then kills, took " + tookMs + " ms");
    JsonObject result = worker.result("o-4");
    assertFalse(result.getBoolean("success"));
    assertEquals("started\n", result.getString("stdout"));
    assertTrue(result.getString("error").contains("worker stopped"), result.getString("error"));
  }
}
