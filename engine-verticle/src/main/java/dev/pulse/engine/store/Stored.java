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
  private boolean logsKnownEmpty;

  /** Knowledge of an execution this node is about to insert (no log rows yet). */
  public static Stored fresh() {
    Stored stored = new Stored();
    stored.logsKnownEmpty = true;
    return stored;
  }

  /** Knowledge of an execution loaded from the database: none. */
  public static Stored unknown() {
    return new Stored();
  }

  private Stored() {
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
    return !logsKnownEmpty;
  }

  /** A write committed: {@code steps} are stored, and log lines were appended or ({@code logsMoved}) moved. */
  void stored(List<String> steps, boolean appended, boolean logsMoved) {
    this.steps = steps;
    if (logsMoved) {
      logsKnownEmpty = true;
    } else if (appended) {
      logsKnownEmpty = false;
    }
  }
}
