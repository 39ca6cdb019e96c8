package dev.pulse.contracts;

import io.vertx.core.json.JsonObject;

/**
 * A piece of a running command's output, published on {@link Addresses#EVENT_OUTPUT}.
 *
 * @param commandId the command
 * @param executionId the execution, or null for a direct command
 * @param stepIndex the step, or -1
 * @param workerId the worker running it
 * @param stream {@code stdout} or {@code stderr}
 * @param seq 0-based sequence number per command, so a viewer can order and spot gaps
 * @param data the text (invalid UTF-8 replaced)
 */
public record OutputChunk(String commandId, String executionId, int stepIndex, String workerId, String stream,
    long seq, String data) {

  /** Reads the wire form. */
  public static OutputChunk fromJson(JsonObject json) {
    return new OutputChunk(json.getString("command_id"), json.getString("execution_id"),
        json.getInteger("step_index", -1), json.getString("worker_id"), json.getString("stream"),
        json.getLong("seq", 0L), json.getString("data", ""));
  }

  /** The wire form, with {@code type: command_output}. */
  public JsonObject toJson() {
    return new JsonObject().put("type", "command_output").put("command_id", commandId)
        .put("execution_id", executionId).put("step_index", stepIndex).put("worker_id", workerId)
        .put("stream", stream).put("seq", seq).put("data", data);
  }
}
