package dev.pulse.registry;

import dev.pulse.contracts.PulseException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Small future helpers that keep the tests' chains flat. */
final class Await {

  private Await() {
  }

  /** Succeeds with the failure when {@code call} fails with {@code status}; fails otherwise. */
  static Future<PulseException> failure(Future<?> call, int status) {
    return call.transform(outcome -> {
      if (outcome.succeeded()) {
        return Future.failedFuture(new AssertionError("expected failure " + status + ", got " + outcome.result()));
      }
      if (outcome.cause() instanceof PulseException pulse && pulse.status() == status) {
        return Future.succeededFuture(pulse);
      }
      return Future.failedFuture(new AssertionError("expected failure " + status + ", got " + outcome.cause(),
          outcome.cause()));
    });
  }

  /** Repeats {@code attempt} every 50 ms until its value passes {@code done}, for at most {@code timeoutMs}. */
  static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> attempt, Predicate<T> done, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    return poll(vertx, attempt, done, deadline);
  }

  private static <T> Future<T> poll(Vertx vertx, Supplier<Future<T>> attempt, Predicate<T> done, long deadline) {
    return attempt.get().compose(value -> {
      if (done.test(value)) {
        return Future.succeededFuture(value);
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new AssertionError("condition not reached in time; last value: " + value));
      }
      return vertx.timer(50).compose(tick -> poll(vertx, attempt, done, deadline));
    });
  }

  /** Completes after {@code ms}. */
  static Future<Void> sleep(Vertx vertx, long ms) {
    return vertx.timer(ms).mapEmpty();
  }
}
