package dev.pulse.worker.exec;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many more output bytes of one command may still be published as live chunks; shared by its
 * stdout and stderr pumps so a command printing gigabytes cannot flood the bus.
 */
final class LiveBudget {

  private final AtomicLong remaining;
  private volatile boolean exhausted;

  LiveBudget(long bytes) {
    this.remaining = new AtomicLong(bytes);
  }

  /** Takes up to {@code wanted} bytes; returns how many may be published. */
  int take(int wanted) {
    while (true) {
      long left = remaining.get();
      int granted = (int) Math.min(left, wanted);
      if (remaining.compareAndSet(left, left - granted)) {
        if (granted < wanted) {
          exhausted = true;
        }
        return granted;
      }
    }
  }

  /** Whether some output was not published because the budget ran out. */
  boolean exhausted() {
    return exhausted;
  }
}
