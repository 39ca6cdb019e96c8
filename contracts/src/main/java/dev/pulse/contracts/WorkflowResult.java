package dev.pulse.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code workflow_result}: the outcome of one {@link WorkflowDispatch}, sent once per
 * {@code execution_id} through the worker's durable outbox, so it arrives even when the workflow
 * cut the worker off the bus for a while.
 *
 * @param executionId the dispatch's idempotency key
 * @param workerId the worker that ran it
 * @param success every step succeeded
 * @param message a one-line summary (which step failed and why)
 * @param timestamp epoch milliseconds when it ended
 * @param steps the steps that ran, in order; the steps after a failing one are absent
 */
public record WorkflowResult(String executionId, String workerId, boolean success, String message, long timestamp,
    List<StepResult> steps) {

  /** Copies {@code steps}. */
  public WorkflowResult {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /**
   * One step's outcome.
   *
   * @param name the step's name
   * @param exitCode the command's exit code; 0 for a wait; -1 when it never started
   * @param stdout captured standard output, capped like a command's
   * @param stderr captured standard error, capped
   * @param duration milliseconds the step took
   * @param timedOut whether the timeout killed its process tree
   */
  public record StepResult(String name, int exitCode, String stdout, String stderr, long duration,
      boolean timedOut) {

    /** Reads the wire form. */
    public static StepResult fromJson(JsonObject json) {
      return new StepResult(json.getString("name"), json.getInteger("exit_code", -1), json.getString("stdout", ""),
          json.getString("stderr", ""), json.getLong("duration", 0L), json.getBoolean("timed_out", false));
    }

    /** The wire form. */
    public JsonObject toJson() {
      return new JsonObject().put("name", name).put("exit_code", exitCode).put("stdout", stdout)
          .put("stderr", stderr).put("duration", duration).put("timed_out", timedOut);
    }
  }

  /** Reads the wire form; throws ClassCastException for fields of the wrong JSON type. */
  public static WorkflowResult fromJson(JsonObject json) {
    List<StepResult> steps = new ArrayList<>();
    JsonArray array = json.getJsonArray("steps", new JsonArray());
    for (int i = 0; i < array.size(); i++) {
      steps.add(StepResult.fromJson(array.getJsonObject(i)));
    }
    return new WorkflowResult(json.getString("execution_id"), json.getString("worker_id"),
        json.getBoolean("success", false), json.getString("message"), json.getLong("timestamp", 0L), steps);
  }

  /** The wire form, with {@code type: workflow_result}, the spec's fields and {@code steps}. */
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    steps.forEach(step -> array.add(step.toJson()));
    return new JsonObject().put("type", "workflow_result").put("execution_id", executionId)
        .put("worker_id", workerId).put("success", success).put("message", message).put("timestamp", timestamp)
        .put("steps", array);
  }

  /** A result for a workflow that did not run to its end for a reason outside its steps. */
  public static WorkflowResult failed(WorkflowDispatch dispatch, String workerId, String message) {
    return new WorkflowResult(dispatch.executionId(), workerId, false, message, System.currentTimeMillis(),
        List.of());
  }
}
