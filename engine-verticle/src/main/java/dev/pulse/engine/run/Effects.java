package dev.pulse.engine.run;

import static dev.pulse.contracts.LogKeys.COMMAND_ID;
import static dev.pulse.contracts.LogKeys.EXECUTION_ID;
import static dev.pulse.contracts.LogKeys.WORKER_ID;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.engine.decide.Action;
import dev.pulse.engine.decide.Event;
import dev.pulse.engine.store.Plain;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out a stored decision's actions: registry look-ups, dispatches, cancels, events. */
final class Effects {

  private static final Logger LOG = LoggerFactory.getLogger(Effects.class);

  private final EventBus bus;
  private final RegistryClient registry;
  private final WorkerClient workers;
  private final Acceptances acceptances;
  private final Set<Future<?>> outstanding = new HashSet<>();

  Effects(EventBus bus, RegistryClient registry, WorkerClient workers, Acceptances acceptances) {
    this.bus = bus;
    this.registry = registry;
    this.workers = workers;
    this.acceptances = acceptances;
  }

  /**
   * Carries out a stored decision's actions, except the registry look-ups: {@link #lookUp} sent
   * those before the decision was stored.
   */
  void perform(Driver driver, List<Action> actions) {
    for (Action action : actions) {
      if (action instanceof Action.Dispatch dispatch) {
        dispatch(driver, dispatch);
      } else if (action instanceof Action.CancelCommand cancel) {
        workers.control(cancel.workerId(), new JsonObject().put("type", "cancel")
                .put("command_id", cancel.commandId()))
            .onFailure(failure -> LOG.atInfo().addKeyValue(EXECUTION_ID, driver.id())
                .addKeyValue(COMMAND_ID, cancel.commandId()).addKeyValue(WORKER_ID, cancel.workerId())
                .log("Could not cancel command {} on worker {}: {}", cancel.commandId(), cancel.workerId(),
                    failure.getMessage()));
      } else if (action instanceof Action.StartChild start) {
        driver.runner().children().start(driver, start);
      } else if (action instanceof Action.CancelChild cancel) {
        driver.runner().children().cancel(driver, cancel);
      } else if (action instanceof Action.Publish publish) {
        bus.publish(Addresses.EVENT_EXECUTION, Plain.json(publish.body()));
      }
      // StartTimer: the driver keeps one timer at Decider.nextWakeUp; CloseCommand: stored with the decision.
    }
  }

  /**
   * Asks the registry which workers each look-up names; each answer is the event to decide
   * ({@code TargetsResolved}, or {@code TargetsFailed} when the registry refused or did not answer).
   * The answers never fail.
   */
  List<Future<Event>> lookUp(List<Action.ResolveTargets> lookUps) {
    List<Future<Event>> answers = new ArrayList<>();
    for (Action.ResolveTargets resolve : lookUps) {
      Future<Event> answer = registry.resolve(resolve.targets())
          .<Event>map(found -> new Event.TargetsResolved(resolve.step(), workers(found)))
          .otherwise(failure -> new Event.TargetsFailed(resolve.step(), reason(failure)));
      track(answer);
      answers.add(answer);
    }
    return answers;
  }

  /** Sends a recorded command; the worker's acceptance is noted so that a restart does not resend it. */
  void dispatch(Driver driver, Action.Dispatch dispatch) {
    CommandDispatch message = new CommandDispatch(dispatch.commandId(), driver.id(), dispatch.step(),
        dispatch.workerId(), dispatch.command(), dispatch.timeoutMs(), null, null, Addresses.ENGINE_RESULTS);
    track(workers.execute(message)
        .compose(reply -> reply.getBoolean("accepted", true) ? acceptances.note(dispatch.commandId())
            .otherwise(failure -> {
              LOG.atWarn().addKeyValue(EXECUTION_ID, driver.id()).addKeyValue(COMMAND_ID, dispatch.commandId())
                  .addKeyValue(WORKER_ID, dispatch.workerId())
                  .log("Could not note that command {} was accepted: {}", dispatch.commandId(), failure.toString());
              return null;
            })
            : Future.failedFuture(new PulseException(ErrorCodes.UNAVAILABLE,
                reply.getString("error", reply.getString("reason", "it refused the command")))))
        .onFailure(failure -> driver.submit(new Event.DispatchFailed(dispatch.commandId(),
            "worker '" + dispatch.workerName() + "' did not take the command: " + failure.getMessage()))));
  }

  /** Completes when every request under way has its answer. */
  Future<?> settled() {
    return Future.join(new ArrayList<>(outstanding));
  }

  private void track(Future<?> future) {
    outstanding.add(future);
    future.onComplete(done -> outstanding.remove(future));
  }

  static List<Event.Worker> workers(JsonArray array) {
    List<Event.Worker> out = new ArrayList<>();
    for (Object item : array) {
      if (item instanceof JsonObject worker) {
        out.add(new Event.Worker(worker.getString("worker_id"), worker.getString("name"),
            worker.getString("status", "unknown")));
      }
    }
    return out;
  }

  private static String reason(Throwable failure) {
    if (failure instanceof PulseException pulse && pulse.status() == ErrorCodes.NOT_FOUND) {
      return pulse.getMessage();
    }
    return "could not resolve targets: " + failure.getMessage();
  }
}
