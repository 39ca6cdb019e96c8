package dev.pulse.engine.decide;

import java.util.Map;

/** Evaluates a step's condition against the execution state. */
public interface ConditionEvaluator {

  /**
   * Evaluates {@code expression} with the variables {@code promptResponse} and {@code state}.
   *
   * @param state the view built by {@link StateView#of}: maps, lists, {@link NamedList}s and plain values
   */
  Outcome evaluate(String expression, Map<String, Object> state, String promptResponse);

  /** The result: the condition's truth, or why it could not be evaluated. */
  record Outcome(boolean value, String error) {

    public static Outcome of(boolean value) {
      return new Outcome(value, null);
    }

    public static Outcome failed(String error) {
      return new Outcome(false, error);
    }

    public boolean failed() {
      return error != null;
    }
  }
}
