package dev.pulse.engine.run;

import static dev.pulse.contracts.LogKeys.EXECUTION_ID;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.EngineInternal;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.engine.decide.Action;
import dev.pulse.engine.decide.Event;
import dev.pulse.engine.model.ChildRun;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.StepState;
import dev.pulse.engine.store.ExecutionStore;
import dev.pulse.engine.store.Plain;
import dev.pulse.engine.store.WorkflowStore;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child executions: the branches of a parallel step, the workflow a workflow step runs and a
 * step's own onFailure steps. Each is an execution of its own (own row, lease, log and view),
 * linked to its parent; when it ends, the engine node driving the parent is told, and reads the
 * outcome from the database.
 */
final class Children {

  private static final Logger LOG = LoggerFactory.getLogger(Children.class);
  private static final long RETRY_MS = 2_000;

  private final Runner runner;
  private final ExecutionStore executions;
  private final WorkflowStore workflows;
  private final EventBus bus;
  private final BiFunction<String, String, Future<JsonObject>> cancel;

  /**
   * Children of the executions {@code runner} drives.
   *
   * @param cancel cancels an execution wherever it is driven: (id, cancelled_by)
   */
  Children(Runner runner, ExecutionStore executions, WorkflowStore workflows, EventBus bus,
      BiFunction<String, String, Future<JsonObject>> cancel) {
    this.runner = runner;
    this.executions = executions;
    this.workflows = workflows;
    this.bus = bus;
    this.cancel = cancel;
  }

  /**
   * Creates and starts a child; when it exists already (asked again after a takeover) it is left
   * to whoever drives it. A child that cannot start (its workflow is gone, its params do not fit)
   * ends the parent's wait at once, failed, with the reason.
   */
  void start(Driver parent, Action.StartChild action) {
    ExecutionState from = parent.state();
    definition(action).compose(found -> {
      JsonObject definition = found.definition();
      Map<String, Object> params = action.definition() != null ? action.params()
          : ExecutionService.startParams(definition, Plain.json(action.params()));
      ExecutionState child = new ExecutionState(action.childId(), found.workflowId(), found.name(),
          from.startedBy(), params, ExecutionService.runnableSteps(action.workflowId(), definition))
          .parent(new ExecutionState.Parent(parent.id(), action.step(), action.key())).depth(from.depth() + 1);
      child.vars().putAll(action.vars());
      return runner.begin(child, definition, new JsonObject().put("type", "execution_started")
          .put("execution_id", child.executionId()).put("workflow_id", child.workflowId())
          .put("parent_execution_id", parent.id()));
    }).onSuccess(first -> LOG.atInfo().addKeyValue(EXECUTION_ID, action.childId())
        .log("Execution {} started for step {} of execution {}", action.childId(), action.step(), parent.id()))
        .onFailure(failure -> {
          if (Database.failedWith(failure, Database.DUPLICATE_KEY)) {
            check(parent, List.of(action.childId()));
            return;
          }
          if (failure instanceof PulseException pulse && pulse.status() != ErrorCodes.UNAVAILABLE) {
            parent.submit(new Event.ChildFinished(action.childId(), ExecutionStatus.FAILED.wire(),
                "could not start: " + pulse.getMessage(), Map.of()));
            return;
          }
          // The database is away: asked again shortly (the id makes a second insert harmless).
          LOG.atWarn().addKeyValue(EXECUTION_ID, parent.id()).log("Execution {}: could not start child {} yet: {}",
              parent.id(), action.childId(), failure.toString());
          runner.vertx().setTimer(RETRY_MS, again -> {
            if (!parent.closed()) {
              start(parent, action);
            }
          });
        });
  }

  private record Found(String workflowId, String name, JsonObject definition) {
  }

  private Future<Found> definition(Action.StartChild action) {
    if (action.definition() != null) {
      return Future.succeededFuture(new Found(action.workflowId(), action.name(), Plain.json(action.definition())));
    }
    return workflows.get(action.workflowId()).compose(workflow -> workflow == null
        ? Future.failedFuture(PulseException.notFound("workflow " + action.workflowId() + " does not exist"))
        : Future.succeededFuture(new Found(action.workflowId(), workflow.getString("name"),
            workflow.getJsonObject("definition"))));
  }

  /** Cancels a child wherever it runs; one that already ended is left as it is. */
  void cancel(Driver parent, Action.CancelChild action) {
    cancel.apply(action.childId(), action.cancelledBy()).onFailure(failure -> {
      if (!(failure instanceof PulseException pulse) || pulse.status() != ErrorCodes.CONFLICT
          && pulse.status() != ErrorCodes.NOT_FOUND) {
        LOG.atWarn().addKeyValue(EXECUTION_ID, parent.id()).log("Execution {}: could not cancel child {}: {}",
            parent.id(), action.childId(), failure.getMessage());
      }
    });
  }

  /** A child this node drove ended: tells its parent, here or (by a hint) on the node that drives it. */
  void ended(ExecutionState child) {
    ExecutionState.Parent parent = child.parent();
    Driver local = runner.local(parent.executionId());
    if (local != null) {
      local.submit(new Event.ChildFinished(child.executionId(), child.status().wire(), child.error(),
          new LinkedHashMap<>(child.vars())));
    } else {
      bus.publish(EngineInternal.CHILD_FINISHED, new JsonObject().put("execution_id", child.executionId())
          .put("parent_id", parent.executionId()));
    }
  }

  /** Tells the parent's live view how a child it waits on stands (the child's own status changes). */
  void observe(ExecutionState child, List<Action> actions) {
    ExecutionState.Parent parent = child.parent();
    if (parent == null) {
      return;
    }
    for (Action action : actions) {
      if (action instanceof Action.Publish publish && "execution_status".equals(publish.body().get("type"))) {
        bus.publish(Addresses.EVENT_EXECUTION, new JsonObject().put("type", "child_status")
            .put("execution_id", parent.executionId()).put("step", parent.step()).put("key", parent.key())
            .put("child_execution_id", child.executionId()).put("status", child.status().wire()));
      }
    }
  }

  /** A hint that a child ended; read from the database when this node drives its parent. */
  void hinted(JsonObject hint) {
    Driver parent = runner.local(hint.getString("parent_id", ""));
    String child = hint.getString("execution_id");
    if (parent != null && child != null) {
      check(parent, List.of(child));
    }
  }

  /** Re-reads the children every driven execution waits on (a lost hint, a takeover). */
  void reconcile(List<Driver> drivers) {
    for (Driver driver : drivers) {
      List<String> waiting = waitingOn(driver.state());
      if (!waiting.isEmpty()) {
        check(driver, waiting);
      }
    }
  }

  private void check(Driver parent, List<String> ids) {
    executions.statuses(ids).onSuccess(rows -> {
      Map<String, ExecutionStore.ChildStatus> byId = new HashMap<>();
      rows.forEach(row -> byId.put(row.id(), row));
      for (String id : ids) {
        ExecutionStore.ChildStatus row = byId.get(id);
        ExecutionStatus status = row == null ? null : ExecutionStatus.parse(row.status());
        if (status != null && status.terminal()) {
          Map<String, String> vars = new LinkedHashMap<>();
          row.vars().forEach(entry -> vars.put(entry.getKey(), String.valueOf(entry.getValue())));
          parent.submit(new Event.ChildFinished(id, row.status(), row.error(), vars));
        }
      }
    });
  }

  private static List<String> waitingOn(ExecutionState state) {
    List<String> ids = new ArrayList<>();
    StepState step = state.currentState();
    if (step != null && !state.status().terminal()) {
      step.children().stream().filter(child -> !child.ended()).map(ChildRun::executionId).forEach(ids::add);
    }
    return ids;
  }
}
