package dev.pulse.worker.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Kills a command's whole process tree. Blocking: runs on a process thread, never the event loop.
 *
 * <p>The tree is collected before the first signal: once the shell dies its children are
 * re-parented and no longer show up as its descendants, yet they may still hold the output pipes.
 */
final class ProcessTree {

  private static final long POLL_MS = 25;
  private static final long AFTER_KILL_WAIT_MS = 2000;

  private ProcessTree() {
  }

  /** Sends TERM to the tree, then KILL to whatever is alive after {@code graceMs}. */
  static void kill(ProcessHandle root, long graceMs) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    for (ProcessHandle process : tree) {
      process.destroy();
    }
    waitUntilDead(tree, graceMs);
    List<ProcessHandle> survivors = new ArrayList<>();
    for (ProcessHandle process : tree) {
      if (running(process)) {
        survivors.add(process);
      }
    }
    for (ProcessHandle survivor : survivors) {
      // children forked after the first snapshot (a TERM-ignoring loop keeps spawning)
      survivor.descendants().forEach(tree::add);
    }
    for (ProcessHandle process : tree) {
      if (running(process)) {
        process.destroyForcibly();
      }
    }
    waitUntilDead(tree, AFTER_KILL_WAIT_MS);
  }

  /**
   * Alive and not a zombie. A killed orphan stays a zombie until its new parent reaps it, which an
   * init that does not reap (some containers) never does; it holds no resources and no pipes.
   */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException | RuntimeException notLinuxOrGone) {
      return process.isAlive();
    }
  }

  private static void waitUntilDead(Set<ProcessHandle> tree, long maxMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    while (tree.stream().anyMatch(ProcessTree::running) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
