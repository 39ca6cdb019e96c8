package dev.pulse.contracts;

import dev.pulse.contracts.signing.DispatchSigner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code execute_workflow}: a list of steps one worker runs by itself, in order, stopping at the
 * first failing step, and reports as one {@link WorkflowResult} when it can. Meant for sequences
 * that cut the worker's own connectivity (a network restart): nothing needs the bus between steps.
 *
 * <p>Signed like a {@link CommandDispatch} ({@link DispatchSigner#sign(WorkflowDispatch)}); the
 * worker refuses it unsigned, altered, for another worker, stale, or with any command outside its
 * allow-list.
 *
 * @param executionId idempotency key of this local run; the worker runs a given id at most once
 * @param workerId the worker that must run it
 * @param name the workflow's name
 * @param steps the steps, at least one
 * @param replyTo where the result goes ({@link Addresses#REGISTRY_WORKFLOW_RESULTS})
 * @param issuedAt epoch milliseconds when it was signed, or 0 when unsigned
 * @param signature base64 Ed25519 signature over all the fields above, or null when unsigned
 */
public record WorkflowDispatch(String executionId, String workerId, String name, List<WorkflowStep> steps,
    String replyTo, long issuedAt, String signature) {

  /** Copies {@code steps}. */
  public WorkflowDispatch {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** An unsigned dispatch. */
  public WorkflowDispatch(String executionId, String workerId, String name, List<WorkflowStep> steps,
      String replyTo) {
    this(executionId, workerId, name, steps, replyTo, 0, null);
  }

  /** The same dispatch carrying a signature made at {@code signedAt}. */
  public WorkflowDispatch withSignature(long signedAt, String signed) {
    return new WorkflowDispatch(executionId, workerId, name, steps, replyTo, signedAt, signed);
  }

  /** The steps' wire form. */
  public JsonArray stepsJson() {
    JsonArray array = new JsonArray();
    steps.forEach(step -> array.add(step.toJson()));
    return array;
  }

  /**
   * Reads the wire form; a missing or mistyped {@code issued_at} or {@code signature} reads as
   * unsigned. Throws ClassCastException for fields of the wrong JSON type.
   */
  public static WorkflowDispatch fromJson(JsonObject json) {
    JsonObject workflow = json.getJsonObject("workflow", new JsonObject());
    List<WorkflowStep> steps = new ArrayList<>();
    JsonArray array = workflow.getJsonArray("steps", new JsonArray());
    for (int i = 0; i < array.size(); i++) {
      steps.add(WorkflowStep.fromJson(array.getJsonObject(i)));
    }
    Object issued = json.getValue("issued_at");
    Object signed = json.getValue("signature");
    return new WorkflowDispatch(json.getString("execution_id"), json.getString("worker_id"),
        workflow.getString("name"), steps, json.getString("reply_to"),
        issued instanceof Number number ? number.longValue() : 0, signed instanceof String text ? text : null);
  }

  /** The wire form {@code {type: execute_workflow, execution_id, worker_id, workflow:{name, steps}, reply_to}}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", "execute_workflow").put("execution_id", executionId)
        .put("worker_id", workerId).put("workflow", new JsonObject().put("name", name).put("steps", stepsJson()))
        .put("reply_to", replyTo);
    if (signature != null) {
      json.put("issued_at", issuedAt).put("signature", signature);
    }
    return json;
  }
}
