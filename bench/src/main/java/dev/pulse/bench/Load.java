package dev.pulse.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many single-step executions through the REST API, spread round-robin over workflows that each
 * target one worker: either closed-loop ({@code lanes} executions always in flight) or open-loop
 * (a fixed arrival rate, timed from each execution's intended start so a slow server cannot hide
 * its queueing).
 */
final class Load {

  /**
   * What a load produced: the samples ended so far, how many of them ended inside the window, and
   * how many executions were still unaccounted for when the load stopped waiting.
   */
  record Result(String kind, double seconds, List<Executions.Sample> samples, long inWindow, int unfinished) {

    long completed() {
      return samples.stream().filter(Executions.Sample::completed).count();
    }

    double perSecond() {
      return inWindow / seconds;
    }

    Stats latency() {
      return Stats.of(samples.stream().filter(Executions.Sample::completed).map(Executions.Sample::millis).toList());
    }

    List<String> notCompleted() {
      return samples.stream().filter(sample -> !sample.completed() && sample.id() != null)
          .map(Executions.Sample::id).toList();
    }

    JsonObject toJson() {
      return new JsonObject().put("kind", kind).put("window_s", Stats.round(seconds))
          .put("ended", samples.size()).put("completed", completed())
          .put("not_completed", samples.size() - completed() + unfinished)
          .put("completed_per_s", Stats.round(perSecond())).put("latency", latency().toJson());
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Load.class);
  private static final long TIMEOUT_MS = 30_000;
  /** How long after its window a load waits for executions still in flight. */
  private static final long GRACE_MS = 15_000;

  private final Vertx vertx;
  private final Context context;
  private final Executions executions;
  private final List<String> workflows;
  private final AtomicInteger next = new AtomicInteger();

  Load(Vertx vertx, Executions executions, List<String> workflows) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.executions = executions;
    this.workflows = workflows;
  }

  private String nextWorkflow() {
    return workflows.get(Math.floorMod(next.getAndIncrement(), workflows.size()));
  }

  /**
   * {@code lanes} executions in flight for {@code millis}; each lane starts its next when one ends.
   * Throughput counts the completions inside the window, so one lost execution cannot stretch it.
   */
  Result closed(int lanes, long millis) {
    List<Executions.Sample> samples = Collections.synchronizedList(new ArrayList<>());
    long began = System.nanoTime();
    long deadline = began + TimeUnit.MILLISECONDS.toNanos(millis);
    List<Future<Void>> running = new ArrayList<>();
    for (int i = 0; i < lanes; i++) {
      Promise<Void> done = Promise.promise();
      context.runOnContext(go -> lane(deadline, samples, done));
      running.add(done.future());
    }
    settle(running, millis + GRACE_MS);
    List<Executions.Sample> ended = snapshot(samples);
    long inWindow = ended.stream().filter(sample -> sample.completed() && sample.endNanos() <= deadline).count();
    int unfinished = (int) running.stream().filter(future -> !future.isComplete()).count();
    return new Result("closed-loop, " + lanes + " in flight", millis / 1000.0, ended, inWindow, unfinished);
  }

  private static List<Executions.Sample> snapshot(List<Executions.Sample> samples) {
    synchronized (samples) {
      return new ArrayList<>(samples);
    }
  }

  /** Waits for the futures, at most {@code millis}; what is still running then counts as unfinished. */
  private static void settle(List<? extends Future<?>> futures, long millis) {
    try {
      Future.join(new ArrayList<>(futures)).timeout(millis, TimeUnit.MILLISECONDS).await();
    } catch (Exception e) {  // await() rethrows the timeout as it is: a checked TimeoutException
      LOG.warn("{} of {} executions had not ended {} s after the load began", futures.stream()
          .filter(future -> !future.isComplete()).count(), futures.size(), millis / 1000);
    }
  }

  private void lane(long deadline, List<Executions.Sample> samples, Promise<Void> done) {
    if (System.nanoTime() >= deadline) {
      done.complete();
      return;
    }
    executions.run(nextWorkflow(), TIMEOUT_MS).onComplete(outcome -> {
      Executions.Sample sample = outcome.result();
      samples.add(sample);
      if (sample.completed()) {
        lane(deadline, samples, done);
      } else {
        // a refused or lost execution must not turn the lane into a tight loop
        vertx.setTimer(50, later -> lane(deadline, samples, done));
      }
    });
  }

  /** {@code perSecond} executions a second, evenly spaced, for {@code millis}; waits for them all to end. */
  Result open(double perSecond, long millis) {
    long count = Math.max(1, Math.round(perSecond * millis / 1000.0));
    long interval = Math.round(1e9 / perSecond);
    List<Future<Executions.Sample>> started = new ArrayList<>();
    long began = System.nanoTime();
    for (long i = 0; i < count; i++) {
      long intended = began + i * interval;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      String workflow = nextWorkflow();
      Promise<Executions.Sample> sample = Promise.promise();
      context.runOnContext(go -> executions.run(workflow, intended, TIMEOUT_MS).onComplete(sample));
      started.add(sample.future());
    }
    double sendSeconds = (System.nanoTime() - began) / 1e9;
    settle(started, millis + GRACE_MS);
    List<Executions.Sample> ended = started.stream().filter(Future::isComplete).map(Future::result).toList();
    long completed = ended.stream().filter(Executions.Sample::completed).count();
    return new Result(String.format("open-loop, %.1f/s", perSecond), sendSeconds, ended, completed,
        started.size() - ended.size());
  }

  /** The timelines of the {@code howMany} slowest completed executions. */
  io.vertx.core.json.JsonArray slowest(Result result, int howMany) {
    io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
    result.samples().stream().filter(Executions.Sample::completed)
        .sorted(java.util.Comparator.comparingDouble(Executions.Sample::millis).reversed()).limit(howMany)
        .forEach(sample -> out.add(executions.timeline(sample)));
    return out;
  }

  /** Checks a few of the completed executions through {@code GET /api/executions/:id}. */
  void verifySome(Result result, int howMany) {
    List<Executions.Sample> done = result.samples().stream().filter(Executions.Sample::completed).toList();
    for (int i = 0; i < Math.min(howMany, done.size()); i++) {
      executions.verify(done.get(i * done.size() / Math.min(howMany, done.size())).id(), 1);
    }
  }
}
