package dev.pulse.engine.definition;

import dev.pulse.contracts.Wire;
import dev.pulse.engine.model.Approval;
import dev.pulse.engine.model.Branch;
import dev.pulse.engine.model.RetryPolicy;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepType;
import dev.pulse.engine.store.Plain;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the steps of a definition that {@link DefinitionValidator} accepted. */
public final class StepParser {

  /** The prompt fields that make an {@link Approval}. */
  public static final List<String> APPROVAL_FIELDS = List.of("approvers", "excludeStarter", "required", "timeout",
      "defaultOption");

  private StepParser() {
  }

  /** The steps of {@code definition}; fields a type does not use are ignored. */
  public static List<Step> steps(JsonObject definition) {
    List<Step> steps = new ArrayList<>();
    add(steps, definition.getJsonArray("steps", new JsonArray()), false);
    add(steps, definition.getJsonArray("onFailure", new JsonArray()), true);
    return steps;
  }

  /** The main steps, then the {@code onFailure} steps, numbered on from them. */
  private static void add(List<Step> steps, JsonArray array, boolean onFailure) {
    for (int k = 0; k < array.size(); k++) {
      int i = steps.size();
      JsonObject step = array.getJsonObject(k);
      String name = step.getString("name");
      String condition = step.getString("condition");
      String fallbackName = (onFailure ? "On failure " : "Step ") + (k + 1);
      steps.add(new Step(i, name == null || name.isBlank() ? fallbackName : name.trim(),
          StepType.parse(step.getString("type")), Wire.strings(step.getJsonArray("targets")),
          step.getString("command"), condition == null || condition.isBlank() ? null : condition,
          number(step, "timeout", Step.DEFAULT_TIMEOUT_MS), step.getString("message"),
          Wire.strings(step.getJsonArray("options")), number(step, "duration", 0),
          Boolean.TRUE.equals(step.getValue("continueOnError")), retry(step.getValue("retry")),
          outputName(step.getValue("output")), onFailure, approval(step), branches(step),
          step.getValue("workflow") instanceof String id ? id : null,
          step.getValue("params") instanceof JsonObject params ? Plain.map(params) : Map.of(),
          step.getValue("onFailure") instanceof JsonArray handler ? steps(handler) : null,
          step.getValue("output") instanceof JsonObject output ? output.getString("json") : null));
    }
  }

  /** {@code output: "name"} or {@code output: {name, json}}: the name. */
  private static String outputName(Object output) {
    return output instanceof JsonObject object ? object.getString("name") : (String) output;
  }

  /** A parallel step's branches, each named ({@code Branch n} when it has no name) with its steps. */
  private static List<Branch> branches(JsonObject step) {
    List<Branch> branches = new ArrayList<>();
    if (step.getValue("branches") instanceof JsonArray array) {
      for (int b = 0; b < array.size(); b++) {
        JsonObject branch = array.getJsonObject(b);
        String name = branch.getString("name");
        branches.add(new Branch(name == null || name.isBlank() ? "Branch " + (b + 1) : name.trim(),
            steps(branch.getJsonArray("steps"))));
      }
    }
    return branches;
  }

  /** Steps as the definition of a child execution. */
  private static Map<String, Object> steps(JsonArray steps) {
    return Plain.map(new JsonObject().put("steps", steps == null ? new JsonArray() : steps.copy()));
  }

  /** A prompt's approval rules, or null when it has none of them. */
  private static Approval approval(JsonObject step) {
    if (StepType.parse(step.getString("type")) != StepType.PROMPT
        || APPROVAL_FIELDS.stream().noneMatch(step::containsKey)) {
      return null;
    }
    JsonObject who = step.getValue("approvers") instanceof JsonObject object ? object : new JsonObject();
    return new Approval(Wire.strings(who.getJsonArray("groups")), Wire.strings(who.getJsonArray("users")),
        Boolean.TRUE.equals(step.getValue("excludeStarter")), (int) number(step, "required", 1),
        number(step, "timeout", 0), step.getString("defaultOption"));
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
