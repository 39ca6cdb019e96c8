package dev.pulse.engine.model;

/**
 * What one target's command came to: a worker's result, or a reason it never produced one.
 *
 * @param success exit code 0 and not timed out
 * @param exitCode the exit code; -1 when it never ran
 * @param stdout standard output (capped by the worker)
 * @param stderr standard error (capped by the worker)
 * @param duration milliseconds it ran
 * @param timedOut whether its timeout killed it
 * @param error why it did not run or finish, else null
 */
public record CommandOutcome(boolean success, int exitCode, String stdout, String stderr, long duration,
    boolean timedOut, String error) {

  /** An outcome for a command that produced no result. */
  public static CommandOutcome failure(String error) {
    return new CommandOutcome(false, -1, "", "", 0, false, error);
  }
}
