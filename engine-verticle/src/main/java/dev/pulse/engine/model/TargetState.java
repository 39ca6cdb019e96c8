package dev.pulse.engine.model;

/** One worker's share of an execute step: its command and, once known, the outcome. */
public final class TargetState {

  private final String workerId;
  private final String workerName;
  private String commandId;
  private TargetStatus status;
  private Long deadline;
  private CommandOutcome outcome;
  private int attempt;
  private Long retryAt;

  /**
   * A target.
   *
   * @param commandId the command's idempotency key, null when nothing was dispatched
   * @param deadline epoch ms after which a missing result fails the target, null when not running
   * @param outcome the result, null while running
   */
  public TargetState(String workerId, String workerName, String commandId, TargetStatus status, Long deadline,
      CommandOutcome outcome) {
    this(workerId, workerName, commandId, status, deadline, outcome, 1, null);
  }

  /**
   * A target with its retry bookkeeping.
   *
   * @param attempt which attempt {@code commandId} is (1 for the first)
   * @param retryAt epoch ms when the next attempt is due, while {@link TargetStatus#RETRYING}
   */
  public TargetState(String workerId, String workerName, String commandId, TargetStatus status, Long deadline,
      CommandOutcome outcome, int attempt, Long retryAt) {
    this.workerId = workerId;
    this.workerName = workerName;
    this.commandId = commandId;
    this.status = status;
    this.deadline = deadline;
    this.outcome = outcome;
    this.attempt = attempt;
    this.retryAt = retryAt;
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

  /** Keeps the failed attempt's outcome and waits until {@code at} for the next attempt. */
  public void retryAt(long at, CommandOutcome failed) {
    this.outcome = failed;
    this.status = TargetStatus.RETRYING;
    this.deadline = null;
    this.retryAt = at;
  }

  /** The next attempt is on its way under a new command id. */
  public void redispatched(String newCommandId, long newDeadline) {
    this.commandId = newCommandId;
    this.status = TargetStatus.RUNNING;
    this.deadline = newDeadline;
    this.outcome = null;
    this.retryAt = null;
    this.attempt++;
  }

  public int attempt() {
    return attempt;
  }

  public Long retryAt() {
    return retryAt;
  }

  /** Whether it waits for its next attempt. */
  public boolean retrying() {
    return status == TargetStatus.RETRYING;
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
    return new TargetState(workerId, workerName, commandId, status, deadline, outcome, attempt, retryAt);
  }
}
