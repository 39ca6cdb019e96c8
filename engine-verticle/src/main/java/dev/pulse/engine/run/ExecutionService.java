package dev.pulse.engine.run;

import static dev.pulse.contracts.LogKeys.EXECUTION_ID;
import static dev.pulse.contracts.LogKeys.WORKFLOW_ID;

import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.EngineInternal;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.Wire;
import dev.pulse.engine.decide.Decision;
import dev.pulse.engine.decide.Event;
import dev.pulse.engine.decide.Rejected;
import dev.pulse.engine.definition.StepParser;
import dev.pulse.engine.definition.Variables;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.store.ExecutionStore;
import dev.pulse.engine.store.Plain;
import dev.pulse.engine.store.WorkflowStore;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execution addresses: start, list, get, respond, cancel. Respond and cancel reach whichever
 * node the bus picks; they are carried out by the node that drives the execution (forwarded to
 * it, or taken over here when its owner is gone).
 */
public final class ExecutionService {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutionService.class);

  private final Runner runner;
  private final ExecutionStore executions;
  private final WorkflowStore workflows;
  private final BusClient bus;

  public ExecutionService(Runner runner, ExecutionStore executions, WorkflowStore workflows, BusClient bus) {
    this.runner = runner;
    this.executions = executions;
    this.workflows = workflows;
    this.bus = bus;
  }

  /** {@code {workflow_id, started_by, params?}} → {@code {id, execution_id, status}}; then it runs. */
  public Future<JsonObject> start(JsonObject request) {
    String workflowId = text(request, "workflow_id");
    Object params = request.getValue("params");
    if (params != null && !(params instanceof JsonObject)) {
      throw PulseException.badRequest("params must be an object");
    }
    String startedBy = orUnknown(request.getString("started_by"));
    return workflows.get(workflowId).recover(Database::unavailable).compose(workflow -> {
      if (workflow == null) {
        return Future.failedFuture(PulseException.notFound("Workflow " + workflowId + " does not exist"));
      }
      JsonObject definition = workflow.getJsonObject("definition");
      ExecutionState state = new ExecutionState(UUID.randomUUID().toString(), workflowId, workflow.getString("name"),
          startedBy, startParams(definition, (JsonObject) params), runnableSteps(workflowId, definition));
      return runner.begin(state, definition, new JsonObject().put("type", "execution_started")
              .put("execution_id", state.executionId()).put("workflow_id", workflowId))
          .recover(Database::unavailable)
          .map(first -> {
            LOG.atInfo().addKeyValue(EXECUTION_ID, state.executionId()).addKeyValue(WORKFLOW_ID, workflowId)
                .log("Execution {} of workflow {} started by {}", state.executionId(), workflowId, startedBy);
            return new JsonObject().put("id", state.executionId()).put("execution_id", state.executionId())
                .put("status", first.state().status().wire());
          });
    });
  }

  /**
   * The steps of stored workflow {@code workflowId}; 400 when its definition no longer yields
   * runnable steps.
   */
  static List<Step> runnableSteps(String workflowId, JsonObject definition) {
    List<Step> steps = StepParser.steps(definition);
    if (steps.isEmpty() || steps.stream().anyMatch(step -> step.type() == null)) {
      throw PulseException.badRequest("Workflow " + workflowId + " has an invalid definition; edit and save it again");
    }
    return steps;
  }

  /** {@code given} checked against the definition's declared params (400 naming the param), as plain values. */
  static Map<String, Object> startParams(JsonObject definition, JsonObject given) {
    return Plain.map(new JsonObject(Variables.params(definition.getJsonObject("params"), given)));
  }

  /** {@code {status?, workflow_id?, limit?, offset?}} → {@code {executions:[...]}}, newest first. */
  public Future<JsonObject> list(JsonObject request) {
    String status = request.getString("status");
    if (status != null && ExecutionStatus.parse(status) == null) {
      throw PulseException.badRequest("status must be one of " + Arrays.stream(ExecutionStatus.values())
          .map(ExecutionStatus::wire).collect(Collectors.joining(", ")));
    }
    int limit = number(request, "limit", 50, 1, 500);
    int offset = number(request, "offset", 0, 0, Integer.MAX_VALUE);
    return executions.list(status, request.getString("workflow_id"), limit, offset).recover(Database::unavailable)
        .map(list -> new JsonObject().put("executions", list));
  }

  /** {@code {id}} → the execution with its definition snapshot, steps, pending prompt and logs. */
  public Future<JsonObject> get(JsonObject request) {
    String id = text(request, "id");
    return executions.get(id).recover(Database::unavailable)
        .compose(found -> found == null ? Future.failedFuture(notFound(id)) : Future.succeededFuture(found));
  }

  /** {@code {id, response, responded_by}}: answers the pending prompt. */
  public Future<JsonObject> respond(JsonObject request) {
    text(request, "id");
    if (!(request.getValue("response") instanceof String)) {
      throw PulseException.badRequest("response is required: one of the prompt's options");
    }
    return route(request.copy().put("op", "respond"), false);
  }

  /** {@code {id, cancelled_by}}: cancels the execution and its commands in flight. */
  public Future<JsonObject> cancel(JsonObject request) {
    text(request, "id");
    return route(request.copy().put("op", "cancel"), false);
  }

  /** {@code {id, resumed_by}}: runs a failed execution again from the step that failed. */
  public Future<JsonObject> resume(JsonObject request) {
    String id = text(request, "id");
    String by = orUnknown(request.getString("resumed_by"));
    return executions.claimFailed(id, runner.node()).recover(Database::unavailable).compose(row -> {
      if (row == null) {
        return executions.lease(id).recover(Database::unavailable).compose(lease -> Future.failedFuture(
            lease == null ? notFound(id) : PulseException.conflict("Execution " + id + " is " + lease.status()
                + "; only a failed execution can be resumed")));
      }
      Driver driver = runner.reopen(row);
      ExecutionState.Parent parent = driver.state().parent();
      if (parent != null) {
        runner.release(driver);
        return Future.failedFuture(PulseException.conflict("Execution " + id + " runs for step " + parent.step()
            + " of execution " + parent.executionId() + "; resume that execution instead"));
      }
      return driver.submit(new Event.ResumeRequested(by)).map(decision -> reply(id, decision))
          .recover(failure -> {
            runner.release(driver);
            return Future.failedFuture(failure instanceof Rejected rejected
                ? new PulseException(ErrorCodes.CONFLICT, rejected.getMessage()) : failure);
          });
    });
  }

  /** A request another node forwarded here because this node owns the execution. */
  public Future<JsonObject> forwarded(JsonObject request) {
    return route(request, true);
  }

  private Future<JsonObject> route(JsonObject request, boolean forwarded) {
    String id = request.getString("id");
    Driver local = runner.local(id);
    if (local != null) {
      return apply(local, request).recover(ExecutionService::moved);
    }
    return executions.lease(id).recover(Database::unavailable).compose(lease -> {
      if (lease == null) {
        return Future.failedFuture(notFound(id));
      }
      ExecutionStatus status = ExecutionStatus.parse(lease.status());
      if (status != null && status.terminal()) {
        return Future.failedFuture(PulseException.conflict(isRespond(request)
            ? "Execution " + id + " is not waiting for input (status " + lease.status() + ")"
            : "Execution " + id + " has already finished (status " + lease.status() + ")"));
      }
      if (runner.node().equals(lease.owner())) {
        return runner.driver(id).compose(driver -> apply(driver, request)).recover(ExecutionService::moved);
      }
      if (lease.owner() != null && lease.valid()) {
        return forwarded ? Future.failedFuture(movedException())
            : bus.request(EngineInternal.engineNode(lease.owner()), request, "engine node driving execution " + id);
      }
      return executions.claim(id, runner.node()).recover(Database::unavailable)
          .compose(claimed -> claimed ? runner.driver(id) : Future.failedFuture(movedException()))
          .compose(driver -> apply(driver, request)).recover(ExecutionService::moved);
    });
  }

  private Future<JsonObject> apply(Driver driver, JsonObject request) {
    String id = driver.id();
    Event event = isRespond(request)
        ? new Event.PromptAnswered(request.getString("response"), orUnknown(request.getString("responded_by")),
            Wire.strings(request.getJsonArray("responder_groups")))
        : new Event.CancelRequested(orUnknown(request.getString("cancelled_by")));
    return driver.submit(event).map(decision -> reply(id, decision))
        .recover(failure -> Future.failedFuture(failure instanceof Rejected rejected
            ? new PulseException(switch (rejected.kind()) {
              case INVALID -> ErrorCodes.BAD_REQUEST;
              case FORBIDDEN -> ErrorCodes.FORBIDDEN;
              case CONFLICT -> ErrorCodes.CONFLICT;
            }, rejected.getMessage())
            : failure));
  }

  private static JsonObject reply(String id, Decision decision) {
    ExecutionState state = decision.state();
    return new JsonObject().put("id", id).put("execution_id", id).put("status", state.status().wire())
        .put("prompt_response", state.promptResponse());
  }

  private static boolean isRespond(JsonObject request) {
    return "respond".equals(request.getString("op"));
  }

  private static Future<JsonObject> moved(Throwable failure) {
    if (failure instanceof Driver.NotDriven || failure instanceof ExecutionStore.LostOwnership) {
      return Future.failedFuture(movedException());
    }
    return Database.unavailable(failure);
  }

  private static PulseException movedException() {
    return new PulseException(ErrorCodes.UNAVAILABLE,
        "The engine node driving this execution is changing; try again in a few seconds");
  }

  private static PulseException notFound(String id) {
    return PulseException.notFound("Execution " + id + " does not exist");
  }

  private static String orUnknown(String who) {
    return who == null || who.isBlank() ? "unknown" : who;
  }

  static String text(JsonObject request, String key) {
    Object value = request.getValue(key);
    if (!(value instanceof String text) || text.isBlank()) {
      throw PulseException.badRequest(key + " is required");
    }
    return text;
  }

  private static int number(JsonObject request, String key, int fallback, int min, int max) {
    Object value = request.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number number && number.longValue() >= min && number.longValue() <= max) {
      return number.intValue();
    }
    throw PulseException.badRequest(key + " must be a whole number from " + min + " to " + max);
  }
}
