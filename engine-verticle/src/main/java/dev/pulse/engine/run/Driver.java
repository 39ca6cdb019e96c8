package dev.pulse.engine.run;

import static dev.pulse.contracts.LogKeys.EXECUTION_ID;

import dev.pulse.contracts.CommandResult;
import dev.pulse.engine.decide.Action;
import dev.pulse.engine.decide.Decider;
import dev.pulse.engine.decide.Decision;
import dev.pulse.engine.decide.Event;
import dev.pulse.engine.decide.LogEntry;
import dev.pulse.engine.decide.Rejected;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.store.StateCodec;
import dev.pulse.engine.store.Stored;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one execution this node owns: events are decided one at a time, in arrival order; each
 * decision is stored before anything is sent or published.
 *
 * <p>Events that arrive while a decision is being stored wait, and are then decided together
 * and stored as one: the 200 results of a fan-out cost a handful of writes of the execution's
 * state, not 200. Each event still gets its own outcome (a rejected answer fails only its
 * request).
 */
final class Driver {

  private static final Logger LOG = LoggerFactory.getLogger(Driver.class);
  /** Most events decided and stored together. */
  static final int MAX_BATCH = 256;
  /** Most time a decision waits for its registry look-ups' answers, to be stored with them. */
  static final long LOOK_UP_WAIT_MS = 250;
  /** Most events a decision takes on the event loop (see {@link #light}). */
  private static final int LIGHT_EVENTS = 8;
  /** Most output (characters) the events of a decision on the event loop carry, a worker counting as 1024. */
  private static final long LIGHT_WEIGHT = 64 * 1024;
  private static final long LIGHT_CHARS_PER_WORKER = 1024;
  /** Most rounds of look-ups decided into one write (a step that fails at once opens the next). */
  private static final int LOOK_UP_ROUNDS = 8;

  private final Runner runner;
  private final String id;
  private final long createdAt = System.nanoTime();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Stored stored;
  /** Whether the execution's definition has notifications ({@code notify}) to send. */
  private final boolean notifies;
  private ExecutionState state;
  private Promise<Void> idle;
  private long timer = -1;
  private boolean closed;

  /**
   * An event waiting to be decided, and who waits for its outcome; {@code result} is the worker's
   * result it came from, to be recorded with the decision, or null.
   */
  private record Pending(Event event, Promise<Decision> outcome, CommandResult result) {
  }

  /**
   * How each event of a batch went, the batch's merged decision, and the registry's answers that
   * came too late to be decided with it (submitted once it is stored).
   */
  private record Batch(Decision merged, List<RuntimeException> failures, List<Future<Event>> late) {
  }

  /** A decision with the registry's answers to its look-ups decided in, and those that came too late. */
  record Settled(Decision decision, List<Future<Event>> late) {
  }

  Driver(Runner runner, ExecutionState state, Stored stored, boolean notifies) {
    this.runner = runner;
    this.stored = stored;
    this.notifies = notifies;
    this.id = state.executionId();
    this.state = state;
  }

  String id() {
    return id;
  }

  Runner runner() {
    return runner;
  }

  ExecutionState state() {
    return state;
  }

  long createdAt() {
    return createdAt;
  }

  /** Queues {@code event}; yields the decision once it is stored and its actions are under way. */
  Future<Decision> submit(Event event) {
    return queue(new Pending(event, Promise.promise(), null));
  }

  /**
   * Decides a worker's result and records it in the same write as the decision, one commit, not
   * two. Completes once it is recorded, also when the decider refused it (a repeat, a step that
   * moved on): the first result per command is kept all the same. Fails when it was not recorded.
   */
  Future<Void> submit(CommandResult result) {
    return queue(new Pending(new Event.CommandFinished(result.commandId(), StateCodec.outcome(result.toJson())),
        Promise.promise(), result)).mapEmpty();
  }

  private Future<Decision> queue(Pending pending) {
    queue.add(pending);
    if (idle == null) {
      idle = Promise.promise();
      next();
    }
    return pending.outcome().future();
  }

  /** Completes when everything queued so far is done. */
  Future<?> idle() {
    return idle == null ? Future.succeededFuture() : idle.future();
  }

  /** Decides and stores everything queued now, then looks again. */
  private void next() {
    if (queue.isEmpty()) {
      Promise<Void> done = idle;
      idle = null;
      done.complete();
      return;
    }
    List<Pending> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(queue.poll());
    }
    // An execution that ended still answers what arrived meanwhile (an answer is refused as too
    // late, 409) instead of sending the caller to another node that will not drive it either.
    boolean ended = closed && state.status().terminal();
    if (closed && !ended) {
      batch.forEach(pending -> pending.outcome().fail(new NotDriven(id)));
      next();
      return;
    }
    ExecutionState current = state;
    long now = System.currentTimeMillis();
    List<Event> events = batch.stream().map(Pending::event).toList();
    List<CommandResult> results = batch.stream().map(Pending::result).filter(Objects::nonNull).toList();
    decide(runner, current, events, now)
        .compose(decided -> ended ? Future.succeededFuture(decided) : settle(runner, decided.merged(), 0)
            .map(settled -> new Batch(settled.decision(), decided.failures(), settled.late())))
        .compose(decided -> !decided.merged().changed() ? runner.record(results).map(decided)
            : ended ? Future.<Batch>failedFuture(new NotDriven(id))
            : runner.save(decided.merged(), stored, results).map(decided))
        .onComplete(outcome -> {
          if (outcome.succeeded()) {
            apply(outcome.result().merged());
            for (int i = 0; i < batch.size(); i++) {
              RuntimeException failure = outcome.result().failures().get(i);
              if (failure == null || batch.get(i).result() != null) {
                batch.get(i).outcome().complete(outcome.result().merged());
              } else {
                batch.get(i).outcome().fail(failure);
              }
            }
            outcome.result().late().forEach(answer -> answer.onSuccess(this::submit));
          } else {
            runner.failed(this, outcome.cause());
            batch.forEach(pending -> pending.outcome().fail(outcome.cause()));
          }
          next();
        });
  }

  /**
   * Decides {@code events} from {@code state}: on the event loop when the decision is light (see
   * {@link #light}), as it is for most steps; it then takes microseconds, less than the hop to a
   * worker thread and back, which a long workflow paid twice per step. Otherwise on a worker
   * thread, so that a condition's script (up to its time budget), a large output read as JSON or a
   * fan-out's hundreds of commands never hold up the event loop.
   */
  static Future<Batch> decide(Runner runner, ExecutionState state, List<Event> events, long now) {
    if (light(state, events)) {
      return Future.succeededFuture(decideAll(runner.decider(), state, events, now));
    }
    return runner.vertx().executeBlocking(() -> decideAll(runner.decider(), state, events, now), false);
  }

  /**
   * A few events of the common kinds, carrying little output or few workers, for an execution
   * whose steps run no condition and read no output as JSON.
   */
  static boolean light(ExecutionState state, List<Event> events) {
    if (events.size() > LIGHT_EVENTS) {
      return false;
    }
    long weight = 0;
    for (Event event : events) {
      if (event instanceof Event.CommandFinished finished) {
        weight += length(finished.outcome().stdout()) + length(finished.outcome().stderr());
      } else if (event instanceof Event.TargetsResolved resolved) {
        weight += (long) resolved.workers().size() * LIGHT_CHARS_PER_WORKER;
      } else if (!(event instanceof Event.Tick || event instanceof Event.DispatchFailed
          || event instanceof Event.WorkerLost)) {
        return false;
      }
    }
    return weight <= LIGHT_WEIGHT
        && state.steps().stream().allMatch(step -> step.condition() == null && step.outputJson() == null);
  }

  private static long length(String text) {
    return text == null ? 0 : text.length();
  }

  /**
   * The events' decisions one after the other, merged: the last state, every log line and action
   * in order. An event the decider rejects (or fails on) changes nothing and is reported as its own
   * failure.
   */
  private static Batch decideAll(Decider decider, ExecutionState start, List<Event> events, long now) {
    ExecutionState state = start;
    List<LogEntry> logs = new ArrayList<>();
    List<Action> actions = new ArrayList<>();
    List<RuntimeException> failures = new ArrayList<>();
    boolean changed = false;
    for (Event event : events) {
      try {
        Decision decision = decider.decide(state, event, now);
        state = decision.state();
        logs.addAll(decision.logs());
        actions.addAll(decision.actions());
        changed |= decision.changed();
        failures.add(null);
      } catch (Rejected rejected) {
        failures.add(rejected);
      } catch (RuntimeException bug) {
        // The decider never changes the state it is given, so the others go on from a sound state.
        LOG.atError().addKeyValue(EXECUTION_ID, start.executionId()).setCause(bug)
            .log("Execution {}: deciding {} failed", start.executionId(), event.getClass().getSimpleName());
        failures.add(bug);
      }
    }
    return new Batch(new Decision(state, List.copyOf(logs), List.copyOf(actions), changed), failures, List.of());
  }

  /**
   * Sends {@code decided}'s registry look-ups and decides their answers into it when they come
   * back within {@link #LOOK_UP_WAIT_MS}: opening a step and sending its commands are then stored
   * in one write, not two, and both are still stored before anything is sent. Answers that come
   * later are left {@code late}, to be submitted once the decision is stored.
   */
  static Future<Settled> settle(Runner runner, Decision decided, int round) {
    List<Action.ResolveTargets> lookUps = decided.actions(Action.ResolveTargets.class);
    if (lookUps.isEmpty()) {
      return Future.succeededFuture(new Settled(decided, List.of()));
    }
    List<Future<Event>> answers = runner.effects().lookUp(lookUps);
    List<Action> rest = decided.actions().stream().filter(action -> !(action instanceof Action.ResolveTargets))
        .toList();
    Decision asked = new Decision(decided.state(), decided.logs(), rest, decided.changed());
    if (round >= LOOK_UP_ROUNDS) {
      return Future.succeededFuture(new Settled(asked, answers));
    }
    return Future.all(answers).timeout(LOOK_UP_WAIT_MS, TimeUnit.MILLISECONDS)
        .transform(all -> all.failed() ? Future.succeededFuture(new Settled(asked, answers))
            : decide(runner, asked.state(), answers.stream().map(Future::result).toList(), System.currentTimeMillis())
                // An answer the decider refuses (its step has moved on) changes nothing and waits for nobody.
                .compose(more -> settle(runner, merge(asked, more.merged()), round + 1)));
  }

  private static Decision merge(Decision first, Decision then) {
    List<LogEntry> logs = new ArrayList<>(first.logs());
    logs.addAll(then.logs());
    List<Action> actions = new ArrayList<>(first.actions());
    actions.addAll(then.actions());
    return new Decision(then.state(), List.copyOf(logs), List.copyOf(actions), first.changed() || then.changed());
  }

  /** A decision stored before this driver existed (with the execution's row): carried out now. */
  void stored(Settled settled) {
    apply(settled.decision());
    settled.late().forEach(answer -> answer.onSuccess(this::submit));
  }

  private void apply(Decision decision) {
    if (closed) {
      return;
    }
    state = decision.state();
    runner.effects().perform(this, decision.actions());
    runner.metrics().observe(decision.actions());
    if (notifies) {
      runner.notifier().observe(decision.actions());
    }
    runner.children().observe(state, decision.actions());
    schedule();
    if (state.status().terminal()) {
      runner.finished(this);
    }
  }

  private void schedule() {
    if (timer != -1) {
      runner.vertx().cancelTimer(timer);
      timer = -1;
    }
    OptionalLong next = Decider.nextWakeUp(state);
    if (next.isPresent() && !closed) {
      long delay = Math.max(1, next.getAsLong() - System.currentTimeMillis());
      timer = runner.vertx().setTimer(delay, fired -> {
        timer = -1;
        submit(new Event.Tick());
      });
    }
  }

  /** Stops driving: no more decisions, no timer. */
  void close() {
    closed = true;
    if (timer != -1) {
      runner.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  boolean closed() {
    return closed;
  }

  /** This node does not drive the execution (any more). */
  static final class NotDriven extends RuntimeException {
    NotDriven(String id) {
      super("Execution " + id + " is not driven by this engine node", null, false, false);
    }
  }
}
