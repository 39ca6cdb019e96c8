package dev.pulse.engine.run;

import dev.pulse.engine.decide.Decider;
import dev.pulse.engine.decide.Decision;
import dev.pulse.engine.decide.Event;
import dev.pulse.engine.model.ExecutionState;
import io.vertx.core.Future;
import java.util.OptionalLong;

/**
 * Drives one execution this node owns: events are decided one at a time, in arrival order; each
 * decision is stored before anything is sent or published.
 */
final class Driver {

  private final Runner runner;
  private final String id;
  private final long createdAt = System.nanoTime();
  private ExecutionState state;
  private Future<?> tail = Future.succeededFuture();
  private long timer = -1;
  private boolean closed;

  Driver(Runner runner, ExecutionState state) {
    this.runner = runner;
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
    Future<Decision> result = tail.transform(previous -> process(event));
    tail = result.transform(done -> Future.succeededFuture());
    return result;
  }

  /** Completes when everything queued so far is done. */
  Future<?> idle() {
    return tail;
  }

  private Future<Decision> process(Event event) {
    if (closed) {
      return Future.failedFuture(new NotDriven(id));
    }
    ExecutionState current = state;
    long now = System.currentTimeMillis();
    return runner.vertx().executeBlocking(() -> runner.decider().decide(current, event, now), false)
        .compose(decision -> !decision.changed() ? Future.succeededFuture(decision)
            : runner.save(decision).map(decision))
        .andThen(outcome -> {
          if (outcome.succeeded()) {
            apply(outcome.result());
          } else {
            runner.failed(this, outcome.cause());
          }
        });
  }

  private void apply(Decision decision) {
    if (closed) {
      return;
    }
    state = decision.state();
    runner.effects().perform(this, decision.actions());
    runner.metrics().observe(decision.actions());
    runner.notifier().observe(decision.actions());
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
