package dev.pulse.engine.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What this engine node knows it stored of one execution: each step's JSON as its
 * {@code execution_steps} row holds it, so that a decision writes only the steps that changed,
 * and whether {@code execution_logs} holds lines of it, so that the decision that ends it looks
 * for them only then. Known only after a write commits: a driver that loaded an execution knows
 * nothing yet, writes every step once and looks for appended lines at the end.
 */
public final class Stored {

  private List<String> steps = List.of();
  private boolean logsAppended;

  /** Knowledge of an execution this node is about to insert (no log rows yet). */
  public static Stored fresh() {
    return new Stored(false);
  }

  /** Knowledge of an execution loaded from the database: none. */
  public static Stored unknown() {
    return new Stored(true);
  }

  private Stored(boolean logsAppended) {
    this.logsAppended = logsAppended;
  }

  /** The indexes of {@code steps} (each step's encoded JSON) that differ from what is stored. */
  List<Integer> changed(List<String> steps) {
    List<Integer> changed = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (i >= this.steps.size() || !this.steps.get(i).equals(steps.get(i))) {
        changed.add(i);
      }
    }
    return changed;
  }

  /** Whether {@code execution_logs} may hold lines of the execution. */
  boolean logsAppended() {
    return logsAppended;
  }

  /** A write committed: {@code steps} are stored, and log lines were appended or ({@code logsMoved}) moved. */
  void stored(List<String> steps, boolean appended, boolean logsMoved) {
    this.steps = steps;
    if (logsMoved) {
      logsAppended = false;
    } else if (appended) {
      logsAppended = true;
    }
  }
}
