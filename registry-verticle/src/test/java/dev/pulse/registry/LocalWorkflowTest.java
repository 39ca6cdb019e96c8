package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowResult;
import dev.pulse.contracts.signing.DispatchVerifier;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** REGISTRY_WORKFLOW and REGISTRY_WORKFLOW_RESULTS, with a stand-in worker on the bus. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalWorkflowTest {

  private RegistryHarness registry;

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300));
    registry.connect("w-1", "web-01", RegistryHarness.SHARED_KEY).await();
  }

  private static JsonObject execute(String command) {
    return new JsonObject().put("name", command).put("type", "execute").put("command", command);
  }

  private Future<JsonObject> run(JsonArray steps) {
    return registry.client.runWorkflow(new JsonObject().put("worker_id", "w-1").put("name", "restart network")
        .put("steps", steps).put("requested_by", "alice"));
  }

  private String badRequest(JsonArray steps) {
    PulseException failure = Await.failure(run(steps), 400).await();
    return failure.getMessage();
  }

  @Test
  void invalidWorkflowsAre400NamingTheField() {
    assertTrue(badRequest(new JsonArray()).startsWith("steps is required"));
    assertTrue(badRequest(new JsonArray().add(new JsonObject().put("type", "prompt"))).startsWith("steps[0].type"));
    assertTrue(badRequest(new JsonArray().add(new JsonObject().put("type", "execute"))).startsWith("steps[0].command"));
    assertTrue(badRequest(new JsonArray().add(execute("ls")).add(new JsonObject().put("type", "wait")
        .put("duration", 7 * 86_400_000L + 1))).startsWith("steps[1].duration"));
    assertTrue(badRequest(new JsonArray().add(new JsonObject().put("type", "wait"))).startsWith("steps[0].duration"));
    assertTrue(badRequest(new JsonArray().add(execute("ls").put("timeout", 0))).startsWith("steps[0].timeout"));
    assertTrue(badRequest(new JsonArray().add(execute("ls").put("timeout", 86_400_001L)))
        .startsWith("steps[0].timeout"));
  }

  @Test
  void unknownWorkerIs404AndOfflineWorkerIs409() {
    Await.failure(registry.client.runWorkflow(new JsonObject().put("worker_id", "nobody")
        .put("steps", new JsonArray().add(execute("ls")))), 404).await();
    registry.events.next("w-1", "offline").await();
    PulseException conflict = Await.failure(run(new JsonArray().add(execute("ls"))), 409).await();
    assertTrue(conflict.getMessage().contains("offline"), conflict.getMessage());
  }

  @Test
  void workflowIsDispatchedSignedAndItsFirstResultIsStored() throws Exception {
    Promise<JsonObject> received = Promise.promise();
    registry.vertx.eventBus().<JsonObject>consumer(Addresses.workerWorkflow("w-1"), message -> {
      received.tryComplete(message.body());
      message.reply(new JsonObject().put("accepted", true).put("queued", false));
    }).completion().await();

    JsonObject reply = run(new JsonArray().add(execute("echo a")).add(new JsonObject().put("type", "wait")
        .put("duration", 500)).add(execute("echo b"))).await();
    String runId = reply.getString("workflow_run_id");
    assertEquals("dispatched", reply.getString("status"));
    assertEquals("web-01", reply.getString("worker_name"));

    WorkflowDispatch dispatch = WorkflowDispatch.fromJson(received.future().await(10, TimeUnit.SECONDS));
    assertEquals(Optional.empty(), new DispatchVerifier(List.of(RegistryHarness.DISPATCH_KEYS.getPublic()), 60_000)
        .check(dispatch, "w-1"), "signed for w-1 by the registry");
    assertEquals(runId, dispatch.executionId());
    assertEquals(3, dispatch.steps().size());
    assertEquals(500, dispatch.steps().get(1).duration());
    assertEquals(Addresses.REGISTRY_WORKFLOW_RESULTS, dispatch.replyTo());

    WorkflowResult result = new WorkflowResult(runId, "w-1", true, "all 3 step(s) succeeded", 1L, List.of(
        new WorkflowResult.StepResult("echo a", 0, "a\n", "", 3, false),
        new WorkflowResult.StepResult("wait", 0, "", "", 500, false),
        new WorkflowResult.StepResult("echo b", 0, "b\n", "", 3, false)));
    JsonObject ack = registry.client.request(Addresses.REGISTRY_WORKFLOW_RESULTS, result.toJson(), "registry").await();
    assertEquals(new JsonObject().put("ok", true), ack);
    JsonObject again = registry.client.request(Addresses.REGISTRY_WORKFLOW_RESULTS,
        new WorkflowResult(runId, "w-1", false, "conflicting", 2L, List.of()).toJson(), "registry").await();
    assertTrue(again.getBoolean("duplicate"), "repeats are acknowledged and ignored");

    JsonObject stored = registry.client.command(runId).await();
    assertEquals("completed", stored.getString("status"));
    assertEquals("alice", stored.getString("requested_by"));
    assertEquals("execute_workflow", new JsonObject(stored.getString("command")).getString("type"));
    assertEquals("b\n", stored.getJsonObject("result").getJsonArray("steps").getJsonObject(2).getString("stdout"));
  }

  @Test
  void workflowTheWorkerRefusesIsStoredFailed() {
    registry.vertx.eventBus().<JsonObject>consumer(Addresses.workerWorkflow("w-1"),
        message -> message.fail(403, new PulseException(403, "refused: command not in this worker's allow-list")
            .toFailureMessage())).completion().await();

    String runId = run(new JsonArray().add(execute("rm -rf /"))).await().getString("workflow_run_id");

    JsonObject stored = Await.until(registry.vertx, () -> registry.client.command(runId),
        row -> "failed".equals(row.getString("status")), 10_000).await();
    assertEquals("worker_refused", stored.getJsonObject("result").getString("error"));
  }
}
