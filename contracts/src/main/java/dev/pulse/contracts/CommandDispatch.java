package dev.pulse.contracts;

import dev.pulse.contracts.signing.DispatchSigner;
import io.vertx.core.json.JsonObject;

/**
 * {@code execute_command}: run one shell command on one worker.
 *
 * <p>Senders sign every dispatch ({@link DispatchSigner}, through a signing {@link WorkerClient});
 * a worker refuses one whose signature does not cover exactly these fields.
 *
 * @param commandId idempotency key; a worker runs a given id at most once and its
 *     {@link CommandResult} carries it back
 * @param executionId the execution it belongs to, or null for a direct command
 * @param stepIndex the step it belongs to, or -1 for a direct command
 * @param workerId the worker that must run it
 * @param command the shell command, run with {@code /bin/sh -c}
 * @param timeout milliseconds before the whole process tree is killed
 * @param cwd working directory, or null for the worker's default
 * @param env extra environment variables, or null
 * @param replyTo the address the result is sent to ({@link Addresses#ENGINE_RESULTS} or
 *     {@link Addresses#REGISTRY_RESULTS})
 * @param issuedAt epoch milliseconds when it was signed, or 0 when unsigned
 * @param signature base64 Ed25519 signature over all the fields above, or null when unsigned
 */
public record CommandDispatch(String commandId, String executionId, int stepIndex, String workerId, String command,
    long timeout, String cwd, JsonObject env, String replyTo, long issuedAt, String signature) {

  /** Default command timeout: five minutes, as in the spec. */
  public static final long DEFAULT_TIMEOUT_MS = 300_000;

  /** An unsigned dispatch; {@link DispatchSigner#sign} adds {@code issuedAt} and {@code signature}. */
  public CommandDispatch(String commandId, String executionId, int stepIndex, String workerId, String command,
      long timeout, String cwd, JsonObject env, String replyTo) {
    this(commandId, executionId, stepIndex, workerId, command, timeout, cwd, env, replyTo, 0, null);
  }

  /** The same dispatch carrying a signature made at {@code signedAt}. */
  public CommandDispatch withSignature(long signedAt, String signed) {
    return new CommandDispatch(commandId, executionId, stepIndex, workerId, command, timeout, cwd, env, replyTo,
        signedAt, signed);
  }

  /** Reads the wire form; a missing or mistyped {@code issued_at} or {@code signature} reads as unsigned. */
  public static CommandDispatch fromJson(JsonObject json) {
    Object issued = json.getValue("issued_at");
    Object signed = json.getValue("signature");
    return new CommandDispatch(json.getString("command_id"), json.getString("execution_id"),
        json.getInteger("step_index", -1), json.getString("worker_id"), json.getString("command"),
        json.getLong("timeout", DEFAULT_TIMEOUT_MS), json.getString("cwd"), json.getJsonObject("env"),
        json.getString("reply_to"), issued instanceof Number number ? number.longValue() : 0,
        signed instanceof String text ? text : null);
  }

  /** The wire form, with {@code type: execute_command}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", "execute_command").put("command_id", commandId)
        .put("execution_id", executionId).put("step_index", stepIndex).put("worker_id", workerId)
        .put("command", command).put("timeout", timeout).put("cwd", cwd).put("env", env).put("reply_to", replyTo);
    if (signature != null) {
      json.put("issued_at", issuedAt).put("signature", signature);
    }
    return json;
  }
}
