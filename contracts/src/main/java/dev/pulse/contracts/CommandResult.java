package dev.pulse.contracts;

import io.vertx.core.json.JsonObject;

/**
 * {@code command_result}: the outcome of one {@link CommandDispatch}. A non-zero exit is a
 * result, not a failure of the bus.
 *
 * @param commandId the dispatch's idempotency key
 * @param executionId the execution, or null for a direct command
 * @param stepIndex the step, or -1
 * @param workerId the worker that ran it
 * @param success exit code 0 and not timed out
 * @param exitCode the process's exit code; -1 when it never started
 * @param stdout captured standard output, capped
 * @param stderr captured standard error, capped
 * @param duration milliseconds from start to exit
 * @param timedOut whether the timeout killed it
 * @param truncated whether either stream was capped
 * @param error why it did not run, when it did not (refused, could not start), else null
 * @param timestamp epoch milliseconds when it ended
 */
public record CommandResult(String commandId, String executionId, int stepIndex, String workerId, boolean success,
    int exitCode, String stdout, String stderr, long duration, boolean timedOut, boolean truncated, String error,
    long timestamp) {

  /** Reads the wire form. */
  public static CommandResult fromJson(JsonObject json) {
    return new CommandResult(json.getString("command_id"), json.getString("execution_id"),
        json.getInteger("step_index", -1), json.getString("worker_id"), json.getBoolean("success", false),
        json.getInteger("exit_code", -1), json.getString("stdout", ""), json.getString("stderr", ""),
        json.getLong("duration", 0L), json.getBoolean("timed_out", false), json.getBoolean("truncated", false),
        json.getString("error"), json.getLong("timestamp", 0L));
  }

  /** The wire form, with {@code type: command_result} and the spec's fields. */
  public JsonObject toJson() {
    return new JsonObject().put("type", "command_result").put("command_id", commandId)
        .put("execution_id", executionId).put("step_index", stepIndex).put("worker_id", workerId)
        .put("success", success).put("exit_code", exitCode).put("stdout", stdout).put("stderr", stderr)
        .put("duration", duration).put("timed_out", timedOut).put("truncated", truncated).put("error", error)
        .put("timestamp", timestamp);
  }

  /** A result for a command that never ran (refused, unreachable worker, could not start). */
  public static CommandResult notRun(CommandDispatch dispatch, String workerId, String error) {
    return new CommandResult(dispatch.commandId(), dispatch.executionId(), dispatch.stepIndex(), workerId, false,
        -1, "", "", 0, false, false, error, System.currentTimeMillis());
  }
}
