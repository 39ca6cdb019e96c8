package dev.pulse.engine.model;

import java.util.List;

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
 */
public record Step(int index, String name, StepType type, List<String> targets, String command, String condition,
    long timeoutMs, String message, List<String> options, long durationMs, boolean continueOnError,
    RetryPolicy retry, String output, boolean onFailure, Approval approval) {

  /** Default execute timeout, as in the spec. */
  public static final long DEFAULT_TIMEOUT_MS = 300_000;

  public Step {
    targets = targets == null ? List.of() : List.copyOf(targets);
    options = options == null ? List.of() : List.copyOf(options);
  }
}
