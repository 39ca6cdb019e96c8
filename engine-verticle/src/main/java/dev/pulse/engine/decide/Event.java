package dev.pulse.engine.decide;

import dev.pulse.engine.model.CommandOutcome;
import java.util.List;
import java.util.Map;

/** Something that happened to an execution; {@link Decider} turns it into a decision. */
public sealed interface Event {

  /** The execution was created and should begin. */
  record Start() implements Event {
  }

  /** An engine node took the execution over (start-up or failover) and continues it. */
  record Resume(String node) implements Event {
  }

  /** The registry resolved the targets of the execute step {@code step}. */
  record TargetsResolved(int step, List<Worker> workers) implements Event {
  }

  /** The targets of {@code step} could not be resolved (unknown name, registry down). */
  record TargetsFailed(int step, String reason) implements Event {
  }

  /** The worker did not take the command (gone, refused). */
  record DispatchFailed(String commandId, String reason) implements Event {
  }

  /** A command's result was recorded. */
  record CommandFinished(String commandId, CommandOutcome outcome) implements Event {
  }

  /** A worker went offline or was deleted. */
  record WorkerLost(String workerId, String status) implements Event {
  }

  /** Time passed: a wait may be over, a command's backstop deadline may have passed. */
  record Tick() implements Event {
  }

  /** A person answered the pending prompt. */
  record PromptAnswered(String response, String respondedBy, List<String> groups) implements Event {

    public PromptAnswered {
      groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** An answer from someone whose groups do not matter. */
    public PromptAnswered(String response, String respondedBy) {
      this(response, respondedBy, List.of());
    }
  }

  /** A person cancelled the execution. */
  record CancelRequested(String cancelledBy) implements Event {
  }

  /** A person resumed a failed execution from the step that failed. */
  record ResumeRequested(String resumedBy) implements Event {
  }

  /**
   * A child execution (a branch, a sub-workflow, a step's onFailure steps) ended.
   *
   * @param status its final status
   * @param vars the outputs it captured
   */
  record ChildFinished(String childId, String status, String error, Map<String, String> vars) implements Event {

    public ChildFinished {
      vars = vars == null ? Map.of() : Map.copyOf(vars);
    }
  }

  /** A worker as the registry resolved it. */
  record Worker(String id, String name, String status) {

    /** Online or busy: it can take a command. */
    public boolean available() {
      return "online".equals(status) || "busy".equals(status);
    }
  }
}
