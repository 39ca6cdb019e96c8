package dev.pulse.engine.decide;

import dev.pulse.engine.model.ExecutionState;
import java.util.List;

/**
 * What an event led to: the next state, the log lines to append and the actions to take once
 * both are stored. {@code changed} is false when the event was stale or irrelevant.
 */
public record Decision(ExecutionState state, List<LogEntry> logs, List<Action> actions, boolean changed) {

  /** The actions of one kind, in order. */
  public <T extends Action> List<T> actions(Class<T> kind) {
    return actions.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
