package dev.pulse.engine.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What one execution's {@code execution_steps} rows hold, as far as this engine node wrote them:
 * a decision then writes only the steps whose JSON changed. Known only after a write commits;
 * a driver that loaded an execution knows nothing yet and writes every step once.
 */
public final class StoredSteps {

  private List<String> stored = List.of();

  /** The indexes of {@code steps} (each step's encoded JSON) that differ from what is stored. */
  List<Integer> changed(List<String> steps) {
    List<Integer> changed = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (i >= stored.size() || !stored.get(i).equals(steps.get(i))) {
        changed.add(i);
      }
    }
    return changed;
  }

  /** {@code steps} are stored now. */
  void stored(List<String> steps) {
    stored = steps;
  }
}
