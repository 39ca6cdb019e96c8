package dev.pulse.engine.decide;

import java.util.List;
import java.util.Map;

/** Something the verticle must do once the decision is stored. */
public sealed interface Action {

  /** Ask the registry which workers {@code targets} name; answer with TargetsResolved/TargetsFailed. */
  record ResolveTargets(int step, List<String> targets) implements Action {
  }

  /** Record the command, then send it to the worker. */
  record Dispatch(int step, String commandId, String workerId, String workerName, String command, long timeoutMs)
      implements Action {
  }

  /** Ask the worker to stop a command (best effort). */
  record CancelCommand(String workerId, String commandId) implements Action {
  }

  /** Mark a command finished without a worker result (lost, cancelled, expired), unless one arrived first. */
  record CloseCommand(String commandId, String error) implements Action {
  }

  /** Wake the execution up at {@code at} (epoch ms) with a Tick. */
  record StartTimer(long at) implements Action {
  }

  /**
   * Create and start child execution {@code childId} for step {@code step}, unless it exists
   * already (a takeover asks again for children it cannot know were started).
   *
   * @param key the branch's name, {@code workflow} or {@code onFailure}
   * @param definition the child's steps ({@code {steps: [...]}}), or null to run workflow {@code workflowId} as
   *     saved
   * @param workflowId the workflow the child belongs to (the parent's own for branches)
   * @param name the child's name as listed
   * @param params the child's params (checked against the workflow's declarations when it runs a saved workflow)
   * @param vars the outputs the child starts with
   */
  record StartChild(int step, String key, String childId, Map<String, Object> definition, String workflowId,
      String name, Map<String, Object> params, Map<String, String> vars) implements Action {
  }

  /** Cancel child execution {@code childId}, wherever it runs. */
  record CancelChild(String childId, String cancelledBy) implements Action {
  }

  /** Publish an event for observers; {@code body} holds {@code type} and {@code execution_id}. */
  record Publish(Map<String, Object> body) implements Action {
  }
}
