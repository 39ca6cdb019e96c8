package dev.pulse.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A child execution a step waits on: a branch of a {@code parallel} step, the workflow a
 * {@code workflow} step runs, or a step's own {@code onFailure} steps. The id is chosen (and
 * stored) before the child exists, so that a takeover starts it at most once.
 */
public final class ChildRun {

  /** The key of a step's own onFailure steps. */
  public static final String ON_FAILURE = "onFailure";

  private final String key;
  private final String executionId;
  private String status;
  private String error;
  private final Map<String, String> vars = new LinkedHashMap<>();

  /**
   * A child.
   *
   * @param key the branch's name, {@code workflow} or {@link #ON_FAILURE}
   * @param status the child's execution status as last seen ({@code pending} until it ends)
   */
  public ChildRun(String key, String executionId, String status, String error) {
    this.key = key;
    this.executionId = executionId;
    this.status = status;
    this.error = error;
  }

  public String key() {
    return key;
  }

  public String executionId() {
    return executionId;
  }

  public String status() {
    return status;
  }

  public String error() {
    return error;
  }

  /** The outputs the child captured, once it ended. */
  public Map<String, String> vars() {
    return vars;
  }

  /** Whether the child has ended (completed, failed or cancelled). */
  public boolean ended() {
    return ExecutionStatus.parse(status) != null && ExecutionStatus.parse(status).terminal();
  }

  public boolean completed() {
    return ExecutionStatus.COMPLETED.wire().equals(status);
  }

  public boolean onFailure() {
    return ON_FAILURE.equals(key);
  }

  /** Records how the child ended. */
  public void end(String endStatus, String endError, Map<String, String> endVars) {
    this.status = endStatus;
    this.error = endError;
    vars.clear();
    if (endVars != null) {
      vars.putAll(endVars);
    }
  }

  public ChildRun copy() {
    ChildRun copy = new ChildRun(key, executionId, status, error);
    copy.vars.putAll(vars);
    return copy;
  }
}
