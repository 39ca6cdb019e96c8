package dev.pulse.registry.commands;

import static dev.pulse.contracts.LogKeys.EXECUTION_ID;
import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowResult;
import dev.pulse.contracts.WorkflowStep;
import dev.pulse.registry.workers.Fleet;
import dev.pulse.registry.workers.Worker;
import dev.pulse.registry.workers.WorkerStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local workflows ({@code POST /api/workers/:id/workflow}): steps one worker runs by itself.
 *
 * <p>A run is a row of the {@code commands} table (direct, {@code step_index} -1) whose
 * {@code command} is the JSON of {@link #summary}, so it is read back like a direct command and
 * shares its rules: the row is written before the dispatch, the first result counts, and a
 * marker the registry wrote itself (worker lost while the workflow cut its network) is replaced
 * once by the real result when it arrives.
 */
public final class LocalWorkflows {

  private static final Logger LOG = LoggerFactory.getLogger(LocalWorkflows.class);

  /** The longest wait a step may ask for: 7 days. */
  static final long MAX_DURATION_MS = 7 * 86_400_000L;
  private static final int MAX_STEPS = 100;
  private static final int MAX_SUMMARY_BYTES = 65_535;

  private final Fleet fleet;
  private final CommandStore store;
  private final WorkerClient workers;

  public LocalWorkflows(Fleet fleet, Pool pool, WorkerClient workers) {
    this.fleet = fleet;
    this.store = new CommandStore(pool);
    this.workers = workers;
  }

  /** The {@code command} column of a run: {@code {type: execute_workflow, name, steps}}. */
  static JsonObject summary(String name, List<WorkflowStep> steps) {
    JsonArray array = new JsonArray();
    steps.forEach(step -> array.add(step.toJson()));
    return new JsonObject().put("type", "execute_workflow").put("name", name).put("steps", array);
  }

  /** {@code REGISTRY_WORKFLOW}: replies at once with {@code {workflow_run_id, worker_id, worker_name, status}}. */
  public Future<JsonObject> run(JsonObject body) {
    String name = body.getValue("name") instanceof String text && !text.isBlank() ? text : "local workflow";
    List<WorkflowStep> steps = steps(body.getValue("steps"));
    JsonObject summary = summary(name, steps);
    if (summary.encode().getBytes(StandardCharsets.UTF_8).length > MAX_SUMMARY_BYTES) {
      throw PulseException.badRequest("steps are too large: at most " + MAX_SUMMARY_BYTES + " bytes of JSON");
    }
    Worker worker = worker(body.getValue("worker_id"));
    Object by = body.getValue("requested_by");
    String requestedBy = by instanceof String text ? (text.length() > 255 ? text.substring(0, 255) : text) : null;
    long budget = steps.stream().mapToLong(step -> WorkflowStep.WAIT.equals(step.type()) ? step.duration()
        : step.timeout()).sum();
    WorkflowDispatch dispatch = new WorkflowDispatch(UUID.randomUUID().toString(), worker.id(), name, steps,
        Addresses.REGISTRY_WORKFLOW_RESULTS);
    return store.insert(dispatch.executionId(), worker.id(), worker.name(), summary.encode(), budget, requestedBy)
        .map(stored -> {
          LOG.atInfo().addKeyValue(EXECUTION_ID, dispatch.executionId()).addKeyValue(WORKER_ID, worker.id())
              .addKeyValue(WORKER_NAME, worker.name())
              .log("Local workflow {} ({} steps) for worker '{}' requested by {}", dispatch.executionId(),
                  steps.size(), worker.name(), requestedBy);
          dispatch(dispatch, worker);
          return new JsonObject().put("workflow_run_id", dispatch.executionId()).put("worker_id", worker.id())
              .put("worker_name", worker.name()).put("status", CommandStore.DISPATCHED);
        });
  }

  /** {@code REGISTRY_WORKFLOW_RESULTS}: stores a {@link WorkflowResult} once; acknowledges repeats too. */
  public Future<JsonObject> result(JsonObject body) {
    WorkflowResult result;
    try {
      result = WorkflowResult.fromJson(body);
    } catch (ClassCastException | IllegalArgumentException wrongType) {
      throw PulseException.badRequest("a workflow_result needs execution_id, worker_id, success, message,"
          + " timestamp and steps with their JSON types");
    }
    if (result.executionId() == null || result.executionId().isBlank()) {
      throw PulseException.badRequest("execution_id is required");
    }
    return store.recordResult(result.executionId(), result.success(), result.toJson()).map(counted -> {
      if (!counted) {
        LOG.atDebug().addKeyValue(EXECUTION_ID, result.executionId()).addKeyValue(WORKER_ID, result.workerId())
            .log("Workflow result {} ignored: already has one, or unknown", result.executionId());
        return new JsonObject().put("ok", true).put("duplicate", true);
      }
      LOG.atInfo().addKeyValue(EXECUTION_ID, result.executionId()).addKeyValue(WORKER_ID, result.workerId())
          .log("Local workflow {} ended: {}", result.executionId(), result.message());
      return new JsonObject().put("ok", true);
    });
  }

  private Worker worker(Object target) {
    if (!(target instanceof String idOrName) || idOrName.isBlank()) {
      throw PulseException.badRequest("worker_id is required: the id or name of the worker to run the workflow on");
    }
    Worker worker = fleet.byIdOrName(idOrName);
    if (worker == null) {
      throw PulseException.notFound("Worker '" + idOrName + "' not found");
    }
    if (WorkerStatus.OFFLINE.equals(worker.status()) || WorkerStatus.REVOKED.equals(worker.status())
        || WorkerStatus.DRAINING.equals(worker.status())) {
      throw PulseException.conflict("worker '" + worker.name() + "' is " + worker.status()
          + " and takes no new work");
    }
    return worker;
  }

  private static List<WorkflowStep> steps(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw PulseException.badRequest("steps is required: a non-empty array of {name, type: execute|wait, ...}");
    }
    if (array.size() > MAX_STEPS) {
      throw PulseException.badRequest("steps may hold at most " + MAX_STEPS + " steps");
    }
    List<WorkflowStep> steps = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "steps[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject step)) {
        throw PulseException.badRequest(at + " must be an object");
      }
      String name = step.getValue("name") instanceof String text && !text.isBlank() ? text : "step " + (i + 1);
      Object type = step.getValue("type");
      if (WorkflowStep.EXECUTE.equals(type)) {
        if (!(step.getValue("command") instanceof String command) || command.isBlank()) {
          throw PulseException.badRequest(at + ".command is required for an execute step");
        }
        long timeout = number(step.getValue("timeout"), CommandDispatch.DEFAULT_TIMEOUT_MS, 1,
            DirectCommands.MAX_TIMEOUT_MS, at + ".timeout must be 1 ms to 24 h (" + DirectCommands.MAX_TIMEOUT_MS
                + " ms)");
        steps.add(new WorkflowStep(name, WorkflowStep.EXECUTE, command, timeout, 0));
      } else if (WorkflowStep.WAIT.equals(type)) {
        long duration = number(step.getValue("duration"), -1, 0, MAX_DURATION_MS,
            at + ".duration must be 0 ms to 7 days (" + MAX_DURATION_MS + " ms)");
        steps.add(new WorkflowStep(name, WorkflowStep.WAIT, null, 0, duration));
      } else {
        throw PulseException.badRequest(at + ".type must be execute or wait");
      }
    }
    return steps;
  }

  private static long number(Object value, long missing, long min, long max, String problem) {
    if (value == null && missing >= 0) {
      return missing;
    }
    if (value instanceof Number number && number.doubleValue() >= min && number.doubleValue() <= max) {
      return number.longValue();
    }
    throw PulseException.badRequest(problem);
  }

  private void dispatch(WorkflowDispatch dispatch, Worker worker) {
    workers.executeWorkflow(dispatch).onFailure(failure -> {
      boolean refused = failure instanceof PulseException pulse && pulse.status() != ErrorCodes.UNAVAILABLE;
      String error = refused ? DirectCommands.WORKER_REFUSED : DirectCommands.WORKER_UNREACHABLE;
      String message = refused ? "worker '" + worker.name() + "' refused the workflow: " + failure.getMessage()
          : failure.getMessage();
      LOG.atWarn().addKeyValue(EXECUTION_ID, dispatch.executionId()).addKeyValue(WORKER_ID, worker.id())
          .addKeyValue(WORKER_NAME, worker.name())
          .log("Local workflow {} failed before running: {}", dispatch.executionId(), message);
      JsonObject marker = WorkflowResult.failed(dispatch, worker.id(), message).toJson().put("error", error);
      store.markFailed(dispatch.executionId(), marker).onFailure(e -> LOG.atWarn()
          .addKeyValue(EXECUTION_ID, dispatch.executionId())
          .log("Could not mark local workflow {} failed: {}", dispatch.executionId(), e.getMessage()));
    });
  }
}
