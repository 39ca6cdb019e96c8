package dev.pulse.engine.run;

import static dev.pulse.contracts.LogKeys.COMMAND_ID;
import static dev.pulse.contracts.LogKeys.EXECUTION_ID;
import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKFLOW_ID;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.EngineInternal;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.engine.decide.Action;
import dev.pulse.engine.decide.Decider;
import dev.pulse.engine.decide.Decision;
import dev.pulse.engine.decide.Event;
import dev.pulse.engine.decide.Rejected;
import dev.pulse.engine.notify.Notifier;
import dev.pulse.engine.definition.StepParser;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.TargetState;
import dev.pulse.engine.store.CommandStore;
import dev.pulse.engine.store.ExecutionStore;
import dev.pulse.engine.store.WorkflowStore;
import dev.pulse.engine.store.StateCodec;
import dev.pulse.engine.store.Stored;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executions this engine node drives: takes them over (at start, when an owner's lease ran
 * out, on demand), keeps their leases, feeds them results and worker news, and lets go of them.
 */
public final class Runner {

  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

  private final Vertx vertx;
  private final String node;
  private final Decider decider;
  private final ExecutionStore executions;
  private final CommandStore commands;
  private final RegistryClient registry;
  private final Effects effects;
  private final Map<String, Driver> drivers = new HashMap<>();
  private final Map<String, Future<Driver>> loading = new HashMap<>();
  private final EngineMetrics metrics;
  private final Notifier notifier;
  private Children children;
  private boolean scanning;
  private boolean closing;

  /** A runner for engine node {@code node}. */
  Runner(Vertx vertx, String node, Decider decider, ExecutionStore executions, CommandStore commands,
      RegistryClient registry, Effects effects, Notifier notifier) {
    this.notifier = notifier;
    this.vertx = vertx;
    this.node = node;
    this.decider = decider;
    this.executions = executions;
    this.commands = commands;
    this.registry = registry;
    this.effects = effects;
    this.metrics = new EngineMetrics(Metrics.globalRegistry, node, drivers::size);
  }

  EngineMetrics metrics() {
    return metrics;
  }

  Notifier notifier() {
    return notifier;
  }

  Children children() {
    return children;
  }

  /**
   * Connects child executions: they start and cancel through {@code workflows} and
   * {@code cancel} (the execution service, which finds the node driving an execution).
   */
  public void connectChildren(WorkflowStore workflows, BiFunction<String, String, Future<JsonObject>> cancel) {
    this.children = new Children(this, executions, workflows, vertx.eventBus(), cancel);
  }

  /** A hint that a child execution ended (see {@link EngineInternal#CHILD_FINISHED}). */
  public void childFinished(JsonObject hint) {
    children.hinted(hint);
  }

  Vertx vertx() {
    return vertx;
  }

  Decider decider() {
    return decider;
  }

  Effects effects() {
    return effects;
  }

  String node() {
    return node;
  }

  Future<Void> save(Decision decision, Stored stored, List<CommandResult> results) {
    return executions.save(decision, node, commands, decision.state().startedBy(), stored, results);
  }

  /** Records results alone: the decision that took them in changed nothing to store. */
  Future<Void> record(List<CommandResult> results) {
    return commands.record(results);
  }

  /** The driver of an execution this node drives now, or null. */
  Driver local(String id) {
    return drivers.get(id);
  }

  /**
   * Drives a new execution whose row this node just inserted and owns. The scan may have seen the
   * committed row first and loaded it already: then that driver is the one, so that an execution
   * never has two drivers deciding (and dispatching) side by side.
   */
  Driver adopt(ExecutionState state, Stored stored, JsonObject definition) {
    return drivers.computeIfAbsent(state.executionId(),
        id -> new Driver(this, state, stored, Notifier.subscribes(definition)));
  }

  /**
   * Starts a new execution: its first decision (start, open the first step, and as far as the
   * registry answers in time, send its commands) is taken and stored with its row, one write, not
   * several; then {@code announce} ({@code execution_started}) is published and the decision
   * carried out. Fails as the insert failed (a duplicate id included).
   */
  Future<Decision> begin(ExecutionState state, JsonObject definition, JsonObject announce) {
    long now = System.currentTimeMillis();
    Stored stored = Stored.fresh();
    return vertx.executeBlocking(() -> decider.decide(state, new Event.Start(), now), false)
        .compose(first -> Driver.settle(this, first, 0))
        .compose(first -> executions.insert(first.decision(), definition, node, commands, stored).map(first))
        .onSuccess(first -> {
          vertx.eventBus().publish(Addresses.EVENT_EXECUTION, announce);
          Driver driver = adopt(first.decision().state(), stored, definition);
          // When the scan loaded the committed row first, its driver resumes from the stored state itself.
          if (driver.state() == first.decision().state()) {
            driver.stored(first);
          }
        })
        .map(Driver.Settled::decision);
  }

  /** The driver of {@code id}, loading it when this node owns the row; fails NotDriven otherwise. */
  Future<Driver> driver(String id) {
    Driver driver = drivers.get(id);
    if (driver != null) {
      return Future.succeededFuture(driver);
    }
    Future<Driver> pending = loading.get(id);
    if (pending != null) {
      return pending;
    }
    Future<Driver> load = executions.loadOwned(id, node)
        .compose(row -> row == null || closing ? Future.<Driver>failedFuture(new Driver.NotDriven(id))
            : Future.succeededFuture(drivers.containsKey(id) ? drivers.get(id) : resume(row)))
        .andThen(done -> loading.remove(id));
    loading.put(id, load);
    return load;
  }

  private Driver resume(ExecutionStore.Loaded row) {
    ExecutionState state = state(row);
    Driver driver = adopt(state, Stored.unknown(), row.definition());
    LOG.atInfo().addKeyValue(EXECUTION_ID, row.id()).addKeyValue(WORKFLOW_ID, row.workflowId())
        .log("Engine node {} drives execution {} ({})", node, row.id(), state.status().wire());
    driver.submit(new Event.Resume(node)).onSuccess(resumed -> recover(driver));
    return driver;
  }

  /** A driver for a failed execution claimed to be resumed (its state is still the failed one). */
  Driver reopen(ExecutionStore.Loaded row) {
    Driver current = drivers.get(row.id());
    if (current != null) {
      return current;
    }
    return adopt(state(row), Stored.unknown(), row.definition());
  }

  /** The execution a stored row holds: its definition snapshot's steps and its state. */
  private static ExecutionState state(ExecutionStore.Loaded row) {
    return StateCodec.fromJson(row.id(), row.workflowId(), row.workflowName(), row.startedBy(),
        StepParser.steps(row.definition()), row.state());
  }

  /** Lets go of a driver whose execution turned out not to need one. */
  void release(Driver driver) {
    if (driver.state().status().terminal()) {
      drop(driver);
    }
  }

  /**
   * After a takeover: results recorded while nobody drove the execution are fed in; commands
   * recorded but never accepted by their worker are sent again (workers run an id at most once);
   * workers that went away meanwhile are reported lost.
   */
  private void recover(Driver driver) {
    Map<String, TargetState> running = new HashMap<>();
    driver.state().runningTargets().forEach(target -> running.put(target.commandId(), target));
    if (running.isEmpty()) {
      return;
    }
    Step step = driver.state().step(driver.state().current());
    commands.find(running.keySet()).onSuccess(rows -> {
      for (CommandStore.Command row : rows) {
        TargetState target = running.get(row.commandId());
        if (row.result() != null) {
          driver.submit(new Event.CommandFinished(row.commandId(), StateCodec.outcome(row.result())));
        } else if ("dispatched".equals(row.status())) {
          LOG.atInfo().addKeyValue(EXECUTION_ID, driver.id()).addKeyValue(COMMAND_ID, row.commandId())
              .addKeyValue(WORKER_ID, target.workerId())
              .log("Sending command {} again: its worker never acknowledged it", row.commandId());
          effects.dispatch(driver, new Action.Dispatch(step.index(), row.commandId(), target.workerId(),
              target.workerName(), step.command(), step.timeoutMs()));
        }
      }
    });
    for (TargetState target : running.values()) {
      registry.resolve(List.of(target.workerName()))
          .onSuccess(found -> Effects.workers(found).stream()
              .filter(worker -> worker.id().equals(target.workerId()) && !worker.available()).findFirst()
              .ifPresent(worker -> driver.submit(new Event.WorkerLost(worker.id(), worker.status()))))
          .onFailure(failure -> {
            if (failure instanceof PulseException pulse && pulse.status() == ErrorCodes.NOT_FOUND) {
              driver.submit(new Event.WorkerLost(target.workerId(), "deleted"));
            }
          });
    }
  }

  /** A decision failed: a rejection changes nothing; otherwise stop and reload from the database later. */
  void failed(Driver driver, Throwable cause) {
    if (cause instanceof Rejected || cause instanceof Driver.NotDriven) {
      return;
    }
    if (cause instanceof ExecutionStore.LostOwnership) {
      LOG.atInfo().addKeyValue(EXECUTION_ID, driver.id()).log("Execution {} is driven by another engine node now",
          driver.id());
    } else {
      LOG.atWarn().addKeyValue(EXECUTION_ID, driver.id())
          .log("Execution {}: could not store a decision ({}); reloading it shortly", driver.id(), cause.toString());
    }
    drop(driver);
  }

  void finished(Driver driver) {
    ExecutionState state = driver.state();
    if (state.parent() != null) {
      children.ended(state);
    }
    LOG.atInfo().addKeyValue(EXECUTION_ID, driver.id()).addKeyValue(WORKFLOW_ID, state.workflowId())
        .log("Execution {} of workflow {} ended {}{}", driver.id(), state.workflowId(), state.status().wire(),
            state.error() == null ? "" : ": " + state.error());
    drop(driver);
  }

  private void drop(Driver driver) {
    driver.close();
    drivers.remove(driver.id(), driver);
  }

  /** Claims executions without a live owner and drives every one this node owns. */
  public Future<Void> scan() {
    if (scanning || closing) {
      return Future.succeededFuture();
    }
    scanning = true;
    long began = System.nanoTime();
    return executions.claimExpiredAndListOwned(node)
        .<Void>map(owned -> {
          Set<String> ids = new HashSet<>(owned);
          for (String id : owned) {
            if (!drivers.containsKey(id) && !loading.containsKey(id)) {
              driver(id).onFailure(failure -> LOG.atDebug().addKeyValue(EXECUTION_ID, id)
                  .log("Execution {} not taken over: {}", id, failure.toString()));
            }
          }
          for (Driver driver : new ArrayList<>(drivers.values())) {
            // A driver whose last decision is being stored is not dropped: the row may already
            // read "completed" while that decision's events and cancels are still to be sent.
            if (!ids.contains(driver.id()) && driver.createdAt() < began && driver.idle().isComplete()) {
              LOG.atInfo().addKeyValue(EXECUTION_ID, driver.id())
                  .log("Execution {} is no longer owned by engine node {}", driver.id(), node);
              drop(driver);
            }
          }
          return null;
        })
        .onFailure(failure -> LOG.warn("Engine node {} could not scan for executions: {}", node, failure.toString()))
        .eventually(() -> {
          scanning = false;
          return Future.succeededFuture();
        });
  }

  /** Extends this node's leases. */
  public Future<Integer> renew() {
    return closing ? Future.succeededFuture(0) : executions.renew(node)
        .onFailure(failure -> LOG.warn("Engine node {} could not renew its leases: {}", node, failure.toString()));
  }

  /** Feeds results recorded in the database that the owner has not seen (a lost notification). */
  public void reconcile() {
    if (!closing) {
      children.reconcile(new ArrayList<>(drivers.values()));
    }
    Map<String, Driver> byCommand = new HashMap<>();
    for (Driver driver : drivers.values()) {
      driver.state().runningTargets().forEach(target -> byCommand.put(target.commandId(), driver));
    }
    if (byCommand.isEmpty() || closing) {
      return;
    }
    commands.find(byCommand.keySet()).onSuccess(rows -> rows.stream().filter(row -> row.result() != null)
        .forEach(row -> byCommand.get(row.commandId())
            .submit(new Event.CommandFinished(row.commandId(), StateCodec.outcome(row.result())))));
  }

  /** A worker went offline or was deleted: its running commands will not report. */
  public void workerGone(String workerId, String status) {
    for (Driver driver : new ArrayList<>(drivers.values())) {
      boolean affected = driver.state().runningTargets().stream().anyMatch(t -> t.workerId().equals(workerId));
      if (affected) {
        driver.submit(new Event.WorkerLost(workerId, status));
      }
    }
  }

  /**
   * Decides a worker's result and records it with that decision when this node drives its
   * execution (see {@link Driver#submit(CommandResult)}); fails {@link Driver.NotDriven} when it
   * does not, and as the decision's write failed.
   */
  Future<Void> decideAndRecord(CommandResult result) {
    Driver driver = result.executionId() == null ? null : drivers.get(result.executionId());
    return driver == null ? Future.failedFuture(new Driver.NotDriven(result.executionId())) : driver.submit(result);
  }

  /**
   * A result was recorded (by this node or another, see {@link EngineInternal#COMMAND_RECORDED});
   * true when this node drives the execution and took it.
   */
  public boolean recorded(String executionId, String commandId, JsonObject result) {
    Driver driver = drivers.get(executionId);
    if (driver == null) {
      return false;
    }
    driver.submit(new Event.CommandFinished(commandId, StateCodec.outcome(result)));
    return true;
  }

  /** Stops driving: lets queued decisions and requests under way finish (a few seconds at most), then releases. */
  public Future<Integer> close(long drainMs) {
    closing = true;
    return idle().compose(done -> effects.settled()).compose(done -> idle())
        .timeout(drainMs, TimeUnit.MILLISECONDS).otherwiseEmpty()
        .compose(drained -> {
          drivers.values().forEach(Driver::close);
          drivers.clear();
          metrics.close();
          return executions.release(node);
        });
  }

  private Future<?> idle() {
    List<Future<?>> tails = new ArrayList<>();
    drivers.values().forEach(driver -> tails.add(driver.idle()));
    return Future.join(tails);
  }

  /** How many executions this node drives now. */
  public int size() {
    return drivers.size();
  }

}
