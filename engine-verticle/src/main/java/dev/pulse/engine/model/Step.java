package dev.pulse.engine.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One step of a workflow definition, as validated at save time.
 *
 * @param index 0-based position
 * @param name the step's name ({@code "Step n"} when the definition has none)
 * @param type what it does
 * @param targets execute: "all", worker names or groups
 * @param command execute: the shell command
 * @param condition JavaScript expression, or null when the step always runs
 * @param timeoutMs execute: per-command timeout
 * @param message prompt: the question
 * @param options prompt: the allowed answers
 * @param durationMs wait: how long
 * @param continueOnError whether a failure of this step lets the execution go on
 * @param retry execute: how failed targets are retried, or null for no retries
 * @param output execute: the name later commands use ({@code ${vars.name}}) for this step's output, or null
 * @param onFailure whether it is one of the workflow's {@code onFailure} steps, run only after a failure
 * @param approval prompt: who may answer, quorum and timeout, or null for anyone, once, never timing out
 * @param branches parallel: the branches that run at once
 * @param workflowId workflow: the id of the workflow it runs
 * @param workflowParams workflow: the params it gives that workflow (strings may hold references)
 * @param handler the step's own {@code onFailure} steps as a definition ({@code {steps: [...]}}), run when
 *     this step fails, or null
 * @param outputJson execute: the dotted path of the JSON field of stdout that {@code output} keeps
 *     ({@code release.version}, {@code items.0.id}), or null to keep the trimmed stdout
 */
public record Step(int index, String name, StepType type, List<String> targets, String command, String condition,
    long timeoutMs, String message, List<String> options, long durationMs, boolean continueOnError,
    RetryPolicy retry, String output, boolean onFailure, Approval approval, List<Branch> branches,
    String workflowId, Map<String, Object> workflowParams, Map<String, Object> handler, String outputJson) {

  /** Default execute timeout, as in the spec. */
  public static final long DEFAULT_TIMEOUT_MS = 300_000;

  public Step {
    targets = targets == null ? List.of() : List.copyOf(targets);
    options = options == null ? List.of() : List.copyOf(options);
    branches = branches == null ? List.of() : List.copyOf(branches);
    workflowParams = workflowParams == null ? Map.of() : Collections.unmodifiableMap(workflowParams);
    handler = handler == null ? null : Collections.unmodifiableMap(handler);
  }

  /** A step of the kinds that start no child execution (execute, prompt, wait). */
  public Step(int index, String name, StepType type, List<String> targets, String command, String condition,
      long timeoutMs, String message, List<String> options, long durationMs, boolean continueOnError,
      RetryPolicy retry, String output, boolean onFailure, Approval approval) {
    this(index, name, type, targets, command, condition, timeoutMs, message, options, durationMs, continueOnError,
        retry, output, onFailure, approval, List.of(), null, Map.of(), null, null);
  }

  /** Whether the step waits on child executions (branches or another workflow). */
  public boolean startsChildren() {
    return type == StepType.PARALLEL || type == StepType.WORKFLOW;
  }
}
