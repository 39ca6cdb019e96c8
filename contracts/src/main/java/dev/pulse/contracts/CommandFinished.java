package dev.pulse.contracts;

import io.vertx.core.json.JsonObject;

/**
 * {@code command_finished}: a direct command's stored end, published on
 * {@link Addresses#EVENT_COMMAND}. It carries the result's outcome but not its output, which
 * streamed as {@link OutputChunk}s and is stored with the result.
 *
 * @param commandId the direct command
 * @param workerId the worker it was sent to
 * @param workerName that worker's name when the command was requested
 * @param success exit code 0 and not timed out
 * @param exitCode the process's exit code; -1 when it never ran
 * @param timedOut whether the timeout killed it
 * @param truncated whether either stream was capped
 * @param duration milliseconds from start to exit; 0 when it never ran
 * @param error why it did not run or why the registry gave up on it ({@code worker_lost},
 *     {@code worker_unreachable}, {@code worker_refused}, or the worker's own reason), else null
 */
public record CommandFinished(String commandId, String workerId, String workerName, boolean success, int exitCode,
    boolean timedOut, boolean truncated, long duration, String error) {

  /** The end a stored {@link CommandResult} describes, for the command's worker. */
  public static CommandFinished of(CommandResult result, String workerId, String workerName) {
    return new CommandFinished(result.commandId(), workerId, workerName, result.success(), result.exitCode(),
        result.timedOut(), result.truncated(), result.duration(), result.error());
  }

  /** Reads the wire form. */
  public static CommandFinished fromJson(JsonObject json) {
    return new CommandFinished(json.getString("command_id"), json.getString("worker_id"),
        json.getString("worker_name"), json.getBoolean("success", false), json.getInteger("exit_code", -1),
        json.getBoolean("timed_out", false), json.getBoolean("truncated", false), json.getLong("duration", 0L),
        json.getString("error"));
  }

  /** The wire form, with {@code type: command_finished}; {@code error} only when there is one. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", "command_finished").put("command_id", commandId)
        .put("worker_id", workerId).put("worker_name", workerName).put("success", success)
        .put("exit_code", exitCode).put("timed_out", timedOut).put("truncated", truncated)
        .put("duration", duration);
    return error == null ? json : json.put("error", error);
  }
}
