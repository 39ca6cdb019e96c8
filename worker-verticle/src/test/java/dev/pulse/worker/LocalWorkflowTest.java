package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static dev.pulse.worker.WorkerHarness.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowResult;
import dev.pulse.contracts.WorkflowStep;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
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

/** {@code execute_workflow}: steps run by the worker alone, one result delivered once through the outbox. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalWorkflowTest {

  private Vertx vertx;
  private WorkerHarness worker;
  private final List<JsonObject> results = new CopyOnWriteArrayList<>();
  private MessageConsumer<JsonObject> receiver;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path state, @TempDir Path work) {
    this.vertx = vertx;
    worker = new WorkerHarness(vertx, state, work).withRegistry();
    worker.deploy().awaitAccepted();
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  private void receive() {
    receiver = vertx.eventBus().consumer(Addresses.REGISTRY_WORKFLOW_RESULTS, message -> {
      results.add(message.body());
      message.reply(new JsonObject());
    });
    receiver.completion().await();
  }

  private static WorkflowStep run(String name, String command) {
    return new WorkflowStep(name, WorkflowStep.EXECUTE, command, 10_000, 0);
  }

  private static WorkflowStep pause(long ms) {
    return new WorkflowStep("wait", WorkflowStep.WAIT, null, 0, ms);
  }

  private WorkflowDispatch workflow(String id, WorkflowStep... steps) {
    return new WorkflowDispatch(id, worker.workerId(), "local", List.of(steps), Addresses.REGISTRY_WORKFLOW_RESULTS);
  }

  private JsonObject send(WorkflowDispatch dispatch) {
    return await(new WorkerClient(vertx.eventBus(), 5000, WorkerHarness.SIGNER).executeWorkflow(dispatch));
  }

  private WorkflowResult result(String id) {
    WorkerHarness.waitFor("the result of " + id, () -> results.stream()
        .anyMatch(json -> id.equals(json.getString("execution_id"))));
    return results.stream().filter(json -> id.equals(json.getString("execution_id"))).findFirst()
        .map(WorkflowResult::fromJson).orElseThrow();
  }

  @Test
  void stepsRunInOrderAndTheWaitStepWaits() {
    receive();
    long began = System.nanoTime();
    JsonObject reply = send(workflow("wf-1", run("a", "echo a >> order"), pause(500), run("b", "echo b >> order; cat order")));

    assertTrue(reply.getBoolean("accepted"));
    WorkflowResult result = result("wf-1");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
    assertTrue(result.success(), result.message());
    assertEquals(3, result.steps().size());
    assertEquals("a\nb\n", result.steps().get(2).stdout());
    assertTrue(result.steps().get(1).duration() >= 450, "wait took " + result.steps().get(1).duration());
    assertTrue(tookMs >= 500, "the whole run took " + tookMs + " ms");
    assertEquals(worker.workerId(), result.workerId());
  }

  @Test
  void aFailingStepStopsTheRestAndTheWorkflowFails() throws Exception {
    receive();
    send(workflow("wf-2", run("ok", "echo fine"), run("bad", "echo oops >&2; exit 3"), run("never", "touch never")));

    WorkflowResult result = result("wf-2");
    assertFalse(result.success());
    assertEquals(2, result.steps().size());
    assertEquals(3, result.steps().get(1).exitCode());
    assertEquals("oops\n", result.steps().get(1).stderr());
    assertTrue(result.message().contains("'bad'"), result.message());
    Thread.sleep(300);
    assertFalse(Files.exists(worker.workDir.resolve("never")), "the step after the failing one never ran");
  }

  @Test
  void aStepTimeoutKillsItAndFailsTheWorkflow() {
    receive();
    send(workflow("wf-3", new WorkflowStep("slow", WorkflowStep.EXECUTE, "sleep 30", 300, 0)));

    WorkflowResult result = result("wf-3");
    assertFalse(result.success());
    assertTrue(result.steps().get(0).timedOut());
  }

  @Test
  void resultWaitsForAReceiverAndArrivesExactlyOnce() throws Exception {
    send(workflow("wf-4", run("a", "echo cut off")));
    Path file = worker.stateDir.resolve("outbox/wf-4.json");
    WorkerHarness.waitFor("the result in the outbox", () -> Files.exists(file));
    Thread.sleep(700);

    receive();

    assertEquals("cut off\n", result("wf-4").steps().get(0).stdout());
    WorkerHarness.waitFor("the outbox file to go", () -> !Files.exists(file));
    assertTrue(send(workflow("wf-4", run("a", "echo again"))).getBoolean("duplicate"), "same id runs once");
    Thread.sleep(1000);
    assertEquals(1, results.stream().filter(json -> "wf-4".equals(json.getString("execution_id"))).count());
  }

  @Test
  void unsignedWorkflowIsRefusedAndNeverRuns() throws Exception {
    receive();
    PulseException refused = failure(new WorkerClient(vertx.eventBus(), 5000).executeWorkflow(
        workflow("wf-5", run("a", "touch unsigned"))));

    assertEquals(403, refused.status());
    assertTrue(refused.getMessage().startsWith("refused: unsigned"), refused.getMessage());
    Thread.sleep(500);
    assertFalse(Files.exists(worker.workDir.resolve("unsigned")));
    assertTrue(results.isEmpty());
  }

  @Test
  void tamperedWorkflowIsRefused() {
    JsonObject body = WorkerHarness.SIGNER.sign(workflow("wf-6", run("a", "echo harmless"))).toJson();
    body.getJsonObject("workflow").getJsonArray("steps").getJsonObject(0).put("command", "touch tampered");
    PulseException refused = failure(new WorkerClient(vertx.eventBus(), 5000)
        .request(Addresses.workerWorkflow(worker.workerId()), body, "worker"));

    assertEquals(403, refused.status());
    assertTrue(refused.getMessage().startsWith("refused: invalid signature"), refused.getMessage());
  }

  @Test
  void workflowWithACommandOutsideTheAllowListIsRefused(@TempDir Path state, @TempDir Path work) {
    worker.close();
    worker = new WorkerHarness(vertx, state, work).withRegistry();
    worker.deploy(worker.config().put("WORKER_ALLOWED_COMMANDS", "echo .*")).awaitAccepted();

    PulseException refused = failure(new WorkerClient(vertx.eventBus(), 5000, WorkerHarness.SIGNER)
        .executeWorkflow(workflow("wf-7", run("ok", "echo fine"), run("rm", "rm -rf /tmp/x"))));

    assertEquals(403, refused.status());
    assertTrue(refused.getMessage().contains("allow-list (step 'rm')"), refused.getMessage());
  }
}
