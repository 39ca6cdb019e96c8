package dev.pulse.engine.model;

/** One worker's share of an execute step: its command and, once known, the outcome. */
public final class TargetState {

  private final String workerId;
  private final String workerName;
  private final String commandId;
  private TargetStatus status;
  private Long deadline;
  private CommandOutcome outcome;

  /**
   * A target.
   *
   * @param commandId the command's idempotency key, null when nothing was dispatched
   * @param deadline epoch ms after which a missing result fails the target, null when not running
   * @param outcome the result, null while running
   */
  public TargetState(String workerId, String workerName, String commandId, TargetStatus status, Long deadline,
      CommandOutcome outcome) {
    this.workerId = workerId;
    this.workerName = workerName;
    this.commandId = commandId;
    this.status = status;
    this.deadline = deadline;
    this.outcome = outcome;
  }

  /** A target whose command is on its way to the worker. */
  public static TargetState running(String workerId, String workerName, String commandId, long deadline) {
    return new TargetState(workerId, workerName, commandId, TargetStatus.RUNNING, deadline, null);
  }

  /** A target that failed before any command was sent. */
  public static TargetState failedBeforeDispatch(String workerId, String workerName, String error) {
    return new TargetState(workerId, workerName, null, TargetStatus.FAILED, null, CommandOutcome.failure(error));
  }

  /** Records the outcome: completed when it succeeded, failed otherwise. */
  public void finish(CommandOutcome result) {
    this.outcome = result;
    this.status = result.success() ? TargetStatus.COMPLETED : TargetStatus.FAILED;
    this.deadline = null;
  }

  public String workerId() {
    return workerId;
  }

  public String workerName() {
    return workerName;
  }

  public String commandId() {
    return commandId;
  }

  public TargetStatus status() {
    return status;
  }

  public boolean running() {
    return status == TargetStatus.RUNNING;
  }

  public Long deadline() {
    return deadline;
  }

  public CommandOutcome outcome() {
    return outcome;
  }

  /** A copy that shares nothing mutable. */
  public TargetState copy() {
    return new TargetState(workerId, workerName, commandId, status, deadline, outcome);
  }
}
