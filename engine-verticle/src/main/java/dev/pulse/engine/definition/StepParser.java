package dev.pulse.engine.definition;

import dev.pulse.contracts.Wire;
import dev.pulse.engine.model.RetryPolicy;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads the steps of a definition that {@link DefinitionValidator} accepted. */
public final class StepParser {

  private StepParser() {
  }

  /** The steps of {@code definition}; fields a type does not use are ignored. */
  public static List<Step> steps(JsonObject definition) {
    JsonArray array = definition.getJsonArray("steps", new JsonArray());
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject step = array.getJsonObject(i);
      String name = step.getString("name");
      String condition = step.getString("condition");
      steps.add(new Step(i, name == null || name.isBlank() ? "Step " + (i + 1) : name.trim(),
          StepType.parse(step.getString("type")), Wire.strings(step.getJsonArray("targets")),
          step.getString("command"), condition == null || condition.isBlank() ? null : condition,
          number(step, "timeout", Step.DEFAULT_TIMEOUT_MS), step.getString("message"),
          Wire.strings(step.getJsonArray("options")), number(step, "duration", 0),
          Boolean.TRUE.equals(step.getValue("continueOnError")), retry(step.getValue("retry")),
          step.getString("output")));
    }
    return steps;
  }

  private static RetryPolicy retry(Object value) {
    if (!(value instanceof JsonObject retry)) {
      return null;
    }
    Object coefficient = retry.getValue("backoffCoefficient");
    return new RetryPolicy((int) number(retry, "maxAttempts", 1),
        number(retry, "initialInterval", RetryPolicy.DEFAULT_INITIAL_INTERVAL_MS),
        coefficient instanceof Number n ? n.doubleValue() : RetryPolicy.DEFAULT_BACKOFF_COEFFICIENT,
        number(retry, "maxInterval", RetryPolicy.DEFAULT_MAX_INTERVAL_MS));
  }

  private static long number(JsonObject step, String key, long fallback) {
    Object value = step.getValue(key);
    return value instanceof Number number ? number.longValue() : fallback;
  }
}
