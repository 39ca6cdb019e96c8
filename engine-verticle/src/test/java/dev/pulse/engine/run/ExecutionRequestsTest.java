package dev.pulse.engine.run;

import static dev.pulse.engine.fixture.EngineFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.PulseException;
import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The execution addresses' answers: start, list, get, respond and their failures. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutionRequestsTest {

  private static final String PROMPT_THEN_RUN = "{\"steps\":["
      + "{\"name\":\"Ask\",\"type\":\"prompt\",\"message\":\"Go?\",\"options\":[\"Yes\",\"No\"]},"
      + "{\"name\":\"Run\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"old command\"}]}";

  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.fleet.worker("web-01", "online");
    fx.deployEngine();
  }

  private JsonObject respond(String id, Object response) {
    return new JsonObject().put("id", id).put("response", response).put("responded_by", "bob");
  }

  @Test
  void pingAnswersWithItsRole() {
    assertEquals(new JsonObject().put("role", "engine"), fx.engine.ping().await());
  }

  @Test
  void startRepliesAtOnceAndPublishesTheStart() {
    String workflow = fx.workflow(PROMPT_THEN_RUN);
    JsonObject reply = fx.engine.startExecution(new JsonObject().put("workflow_id", workflow)
        .put("started_by", "alice").put("params", new JsonObject().put("env", "prod"))).await();
    String id = reply.getString("id");
    assertEquals(id, reply.getString("execution_id"));
    assertEquals("waiting_for_input", reply.getString("status"), "the first decision is stored with the row");
    JsonObject waiting = fx.awaitStatus(id, "waiting_for_input", 5_000);
    assertEquals(new JsonObject().put("env", "prod"), waiting.getJsonObject("params"));
    assertEquals(List.of("execution_started", "execution_status", "step_started", "execution_status",
        "execution_prompt"), fx.eventTypes(id));
    JsonObject started = fx.events.get(0);
    assertEquals(workflow, started.getString("workflow_id"));
  }

  @Test
  void startRefusesMissingOrUnknownWorkflow() {
    PulseException missing = failure(fx.engine.startExecution(new JsonObject().put("started_by", "alice")));
    assertEquals(400, missing.status());
    assertEquals("workflow_id is required", missing.getMessage());
    PulseException unknown = failure(fx.engine.startExecution(new JsonObject().put("workflow_id", "nope")));
    assertEquals(404, unknown.status());
    assertEquals("Workflow nope does not exist", unknown.getMessage());
  }

  @Test
  void respondRefusesUnknownExecutionWrongAnswerAndNothingPending() {
    assertEquals(404, failure(fx.engine.respond(respond("nope", "Yes"))).status());
    String id = fx.start(fx.workflow(PROMPT_THEN_RUN.replace("old command", "hold")));
    fx.awaitStatus(id, "waiting_for_input", 5_000);
    PulseException wrong = failure(fx.engine.respond(respond(id, "Maybe")));
    assertEquals(400, wrong.status());
    assertEquals("The response must be one of: Yes, No", wrong.getMessage());
    assertEquals(400, failure(fx.engine.respond(respond(id, 1))).status());

    JsonObject answered = fx.engine.respond(respond(id, "Yes")).await();
    assertEquals("running", answered.getString("status"));
    PulseException nothing = failure(fx.engine.respond(respond(id, "Yes")));
    assertEquals(409, nothing.status());
    assertEquals("Execution " + id + " is not waiting for input (status running)", nothing.getMessage());
    JsonObject running = fx.execution(id);
    assertEquals("bob", running.getJsonArray("steps").getJsonObject(0).getString("responded_by"));
    assertTrue(running.getJsonArray("logs").stream().map(JsonObject.class::cast)
        .anyMatch(l -> "prompt_answered".equals(l.getString("event")) && "bob".equals(l.getString("responded_by"))));
  }

  @Test
  void cancelRefusesUnknownExecution() {
    assertEquals(404, failure(fx.engine.cancel(new JsonObject().put("id", "nope"))).status());
    assertEquals(400, failure(fx.engine.cancel(new JsonObject())).status());
  }

  @Test
  void editingTheWorkflowLeavesARunningExecutionAlone() {
    String workflow = fx.workflow(PROMPT_THEN_RUN);
    String id = fx.start(workflow);
    fx.awaitStatus(id, "waiting_for_input", 5_000);
    fx.engine.updateWorkflow(new JsonObject().put("id", workflow).put("name", "wf2")
        .put("definition", new JsonObject(PROMPT_THEN_RUN.replace("old command", "new command")))).await();
    fx.engine.respond(respond(id, "Yes")).await();
    JsonObject done = fx.awaitStatus(id, "completed", 5_000);
    assertEquals(List.of("old command@id-web-01"), fx.commands(id));
    assertTrue(done.getJsonObject("definition").encode().contains("old command"));
  }

  @Test
  void duplicateAndUnknownResultsAreAcknowledgedAndIgnored() {
    String id = fx.start(fx.workflow("{\"steps\":[{\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"a\"}]}"));
    JsonObject done = fx.awaitStatus(id, "completed", 5_000);
    CommandDispatch dispatch = fx.fleet.dispatches.get(0);
    fx.fleet.finish(dispatch, 7, "second result");
    fx.fleet.send(Addresses.ENGINE_RESULTS, new JsonObject().put("command_id", "unknown").put("success", true));
    fx.fleet.send(Addresses.ENGINE_RESULTS, new JsonObject().put("success", true));
    EngineFixture.awaitTrue("three more acks", 5_000, () -> fx.fleet.acks.size() >= 4);
    fx.fleet.acks.forEach(ack -> assertEquals(new JsonObject().put("ok", true), ack));
    JsonObject after = fx.execution(id);
    assertEquals(done.getJsonArray("steps"), after.getJsonArray("steps"));
    assertEquals(List.of("completed"), fx.commandStatuses(id));
  }

  @Test
  void listShowsNewestFirstWithFiltersAndWithoutLogs() {
    String workflow = fx.workflow(PROMPT_THEN_RUN);
    String first = fx.start(workflow);
    fx.awaitStatus(first, "waiting_for_input", 5_000);
    fx.engine.cancel(new JsonObject().put("id", first).put("cancelled_by", "carol")).await();
    String second = fx.start(workflow);
    fx.awaitStatus(second, "waiting_for_input", 5_000);

    JsonArray all = fx.engine.listExecutions(new JsonObject()).await().getJsonArray("executions");
    assertEquals(List.of(second, first), all.stream().map(e -> ((JsonObject) e).getString("id")).toList());
    JsonObject row = all.getJsonObject(0);
    assertFalse(row.containsKey("logs"));
    assertEquals("wf", row.getString("workflow_name"));
    assertEquals("alice", row.getString("started_by"));

    JsonArray cancelled = fx.engine.listExecutions(new JsonObject().put("status", "cancelled")).await()
        .getJsonArray("executions");
    assertEquals(1, cancelled.size());
    assertEquals(first, cancelled.getJsonObject(0).getString("id"));
    assertEquals(1, fx.engine.listExecutions(new JsonObject().put("limit", 1).put("offset", 1)).await()
        .getJsonArray("executions").size());
    assertEquals(0, fx.engine.listExecutions(new JsonObject().put("workflow_id", "other")).await()
        .getJsonArray("executions").size());
    assertEquals(400, failure(fx.engine.listExecutions(new JsonObject().put("status", "sleeping"))).status());
    assertEquals(400, failure(fx.engine.listExecutions(new JsonObject().put("limit", 0))).status());
  }

  @Test
  void getShowsThePendingPromptAndRefusesUnknownIds() {
    String id = fx.start(fx.workflow(PROMPT_THEN_RUN));
    JsonObject waiting = fx.awaitStatus(id, "waiting_for_input", 5_000);
    assertEquals("Go?", waiting.getJsonObject("prompt").getString("message"));
    assertEquals(0, waiting.getInteger("current_step"));
    assertEquals("running", waiting.getJsonArray("steps").getJsonObject(0).getString("status"));
    assertEquals("pending", waiting.getJsonArray("steps").getJsonObject(1).getString("status"));
    PulseException missing = failure(fx.engine.getExecution("nope"));
    assertEquals(404, missing.status());
    assertEquals("Execution nope does not exist", missing.getMessage());
  }
}
