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

  /** Publish an event for observers; {@code body} holds {@code type} and {@code execution_id}. */
  record Publish(Map<String, Object> body) implements Action {
  }
}
