package dev.pulse.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds, for end-to-end tests whose outcome arrives asynchronously. */
public final class Await {

  private Await() {
  }

  /**
   * Waits until the supplier yields a non-null value and returns it; fails with {@code what} on
   * timeout. An exception from the probe counts as "not yet"; an AssertionError ends the wait.
   */
  public static <T> T until(Duration limit, String what, Supplier<T> probe) {
    long deadline = System.nanoTime() + limit.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (Exception e) {  // Future.await() rethrows checked failures too
        last = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("Timed out after " + limit.toSeconds() + " s waiting for " + what, last);
  }
}
