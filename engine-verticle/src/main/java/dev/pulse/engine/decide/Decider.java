package dev.pulse.engine.decide;

import dev.pulse.engine.definition.Variables;
import dev.pulse.engine.model.Approval;
import dev.pulse.engine.model.ChildRun;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.PromptAnswer;
import dev.pulse.engine.model.RetryPolicy;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepState;
import dev.pulse.engine.model.StepStatus;
import dev.pulse.engine.model.StepType;
import dev.pulse.engine.model.TargetState;
import dev.pulse.engine.model.Vote;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The workflow state machine: given an execution's state and an event, the next state, the log
 * lines and the actions (resolve targets, dispatch, cancel, start a timer, publish). No I/O and
 * no Vert.x: the engine verticle loads, stores and sends around it.
 *
 * <p>Never changes the state it is given. Events that no longer apply (a result for a target
 * that already ended, a tick before anything is due) yield an unchanged decision.
 */
public final class Decider {

  private static final String CANCELLED = "cancelled";

  private final ConditionEvaluator conditions;
  private final Supplier<String> ids;
  private final long resultGraceMs;

  /**
   * A decider.
   *
   * @param ids makes command ids (UUIDs in production)
   * @param resultGraceMs how long past its timeout a command may stay silent before it fails
   */
  public Decider(ConditionEvaluator conditions, Supplier<String> ids, long resultGraceMs) {
    this.conditions = conditions;
    this.ids = ids;
    this.resultGraceMs = resultGraceMs;
  }

  /**
   * Decides what {@code event} leads to at time {@code now} (epoch ms).
   *
   * @throws Rejected when a prompt answer or a cancel does not fit the state
   */
  public Decision decide(ExecutionState state, Event event, long now) {
    Turn turn = new Turn(state.copy(), now, conditions, ids);
    if (event instanceof Event.Start) {
      start(turn);
    } else if (event instanceof Event.Resume resume) {
      resume(turn, resume.node());
    } else if (event instanceof Event.TargetsResolved resolved) {
      resolved(turn, resolved);
    } else if (event instanceof Event.TargetsFailed failed) {
      if (awaitingTargets(turn.s, failed.step())) {
        turn.finishStep(failed.step(), StepStatus.FAILED, failed.reason());
        turn.afterStep(failed.step());
      }
    } else if (event instanceof Event.DispatchFailed failed) {
      endTarget(turn, failed.commandId(), CommandOutcome.failure(failed.reason()), true);
    } else if (event instanceof Event.CommandFinished finished) {
      endTarget(turn, finished.commandId(), finished.outcome(), false);
    } else if (event instanceof Event.WorkerLost lost) {
      workerLost(turn, lost.workerId());
    } else if (event instanceof Event.Tick) {
      tick(turn);
    } else if (event instanceof Event.PromptAnswered answered) {
      answer(turn, answered.response(), answered.respondedBy(), answered.groups());
    } else if (event instanceof Event.CancelRequested cancel) {
      cancel(turn, cancel.cancelledBy());
    } else if (event instanceof Event.ResumeRequested resume) {
      resumeFailed(turn, resume.resumedBy());
    } else if (event instanceof Event.ChildFinished finished) {
      childFinished(turn, finished);
    }
    return turn.decision();
  }

  /** When the execution next needs a {@link Event.Tick}: a wait's end or a command's backstop. */
  public static OptionalLong nextWakeUp(ExecutionState state) {
    if (state.status().terminal()) {
      return OptionalLong.empty();
    }
    long next = Long.MAX_VALUE;
    StepState step = state.currentState();
    if (step != null && step.status() == StepStatus.RUNNING && step.wakeAt() != null) {
      next = step.wakeAt();
    }
    for (TargetState target : state.runningTargets()) {
      if (target.deadline() != null) {
        next = Math.min(next, target.deadline());
      }
    }
    if (step != null && step.status() == StepStatus.RUNNING && step.targets() != null) {
      for (TargetState target : step.targets()) {
        if (target.retrying() && target.retryAt() != null) {
          next = Math.min(next, target.retryAt());
        }
      }
    }
    return next == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(next);
  }

  private static void start(Turn turn) {
    if (turn.s.status() != ExecutionStatus.PENDING) {
      return;
    }
    turn.s.startedAt(turn.now);
    ExecutionState.Parent parent = turn.s.parent();
    turn.log("execution_started", "Execution of '" + turn.s.workflowName() + "' started by " + turn.s.startedBy()
            + (parent == null ? "" : " (for step " + parent.step() + " of execution " + parent.executionId() + ")"),
        "started_by", turn.s.startedBy(), "parent_execution_id", parent == null ? null : parent.executionId());
    turn.status(ExecutionStatus.RUNNING);
    turn.advance(0);
  }

  private static void resume(Turn turn, String node) {
    ExecutionState s = turn.s;
    if (s.status() == ExecutionStatus.PENDING) {
      start(turn);
      return;
    }
    if (s.status().terminal()) {
      return;
    }
    turn.log("execution_resumed", "Execution resumed by engine node " + node, "node", node);
    int i = s.current();
    StepState state = s.currentState();
    if (state != null) {
      // Children recorded but perhaps never created (stopped right after the decision was stored):
      // asked for again; one that exists already is left as it is.
      state.children().stream().filter(child -> !child.ended())
          .forEach(child -> turn.act(turn.childAction(i, child)));
    }
    if (state == null || state.status() != StepStatus.RUNNING) {
      return;
    }
    Step step = s.step(i);
    if (step.type() == StepType.EXECUTE && state.targets() == null) {
      // Stopped between starting the step and recording its commands: nothing was sent yet.
      turn.act(new Action.ResolveTargets(i, step.targets()));
    } else if (step.type() == StepType.WAIT && state.wakeAt() != null) {
      if (state.wakeAt() <= turn.now) {
        turn.finishStep(i, StepStatus.COMPLETED, null);
        turn.afterStep(i);
      } else {
        turn.act(new Action.StartTimer(state.wakeAt()));
      }
    } else if (step.type() == StepType.PROMPT && state.wakeAt() != null) {
      if (state.wakeAt() <= turn.now) {
        promptTimedOut(turn, i);
      } else {
        turn.act(new Action.StartTimer(state.wakeAt()));
      }
    }
  }

  private static boolean awaitingTargets(ExecutionState s, int step) {
    StepState state = step == s.current() ? s.currentState() : null;
    return !s.status().terminal() && state != null && state.status() == StepStatus.RUNNING
        && s.step(step).type() == StepType.EXECUTE && state.targets() == null;
  }

  private void resolved(Turn turn, Event.TargetsResolved event) {
    int i = event.step();
    if (!awaitingTargets(turn.s, i)) {
      return;
    }
    Step step = turn.s.step(i);
    List<TargetState> targets = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Event.Worker worker : event.workers()) {
      if (!seen.add(worker.id())) {
        continue;
      }
      if (!worker.available()) {
        String error = "worker '" + worker.name() + "' is " + worker.status();
        targets.add(TargetState.failedBeforeDispatch(worker.id(), worker.name(), error));
        turn.log("target_failed", "Not sent to " + worker.name() + ": " + error, "step", i,
            "worker_id", worker.id(), "worker_name", worker.name(), "error", error);
        continue;
      }
      String commandId = ids.get();
      targets.add(TargetState.running(worker.id(), worker.name(), commandId,
          turn.now + step.timeoutMs() + resultGraceMs));
      String command = Variables.render(step.command(), turn.s.params(), turn.s.vars());
      turn.act(new Action.Dispatch(i, commandId, worker.id(), worker.name(), command, step.timeoutMs()));
      turn.log("command_dispatched", "Sent to " + worker.name() + ": " + command, "step", i,
          "worker_id", worker.id(), "worker_name", worker.name(), "command_id", commandId);
    }
    if (targets.isEmpty()) {
      turn.s.stepState(i).targets(targets);
      turn.finishStep(i, StepStatus.FAILED, "no worker matches targets " + step.targets());
      turn.afterStep(i);
      return;
    }
    turn.s.stepState(i).targets(targets);
    turn.changed();
    turn.settleTargets(i);
  }

  private static void endTarget(Turn turn, String commandId, CommandOutcome outcome, boolean close) {
    StepState state = turn.s.currentState();
    TargetState target = turn.s.status().terminal() || state == null ? null : state.target(commandId);
    if (target == null || !target.running()) {
      return;
    }
    CommandOutcome kept = new CommandOutcome(outcome.success(), outcome.exitCode(),
        Texts.tail(outcome.stdout(), Texts.STATE_OUTPUT_CAP), Texts.tail(outcome.stderr(), Texts.STATE_OUTPUT_CAP),
        outcome.duration(), outcome.timedOut(), outcome.error());
    if (close) {
      turn.act(new Action.CloseCommand(commandId, outcome.error()));
    }
    int i = turn.s.current();
    RetryPolicy retry = turn.s.step(i).retry();
    if (!kept.success() && retry != null && retry.allowsAnother(target.attempt()) && !CANCELLED.equals(kept.error())) {
      long delay = retry.delayBefore(target.attempt() + 1);
      target.retryAt(turn.now + delay, kept);
      turn.log("target_retry_scheduled", target.workerName() + " failed (" + Turn.why(target) + "); attempt "
              + (target.attempt() + 1) + " of " + retry.maxAttempts() + " in " + delay + " ms", "step", i,
          "worker_id", target.workerId(), "worker_name", target.workerName(), "command_id", commandId,
          "attempt", target.attempt(), "retry_in_ms", delay, "exit_code", kept.exitCode(), "error", kept.error(),
          "stderr", Texts.tail(kept.stderr(), Texts.LOG_OUTPUT_CAP));
      turn.publish("target_retrying", "step", i, "worker_id", target.workerId(), "worker_name", target.workerName(),
          "command_id", commandId, "attempt", target.attempt(), "next_attempt", target.attempt() + 1,
          "retry_in_ms", delay, "error", kept.error(), "exit_code", kept.exitCode());
      return;
    }
    target.finish(kept);
    String how = kept.success() ? "succeeded" : "failed (" + Turn.why(target) + ")";
    turn.log("target_finished", target.workerName() + " " + how, "step", i, "worker_id", target.workerId(),
        "worker_name", target.workerName(), "command_id", commandId, "success", kept.success(),
        "exit_code", kept.exitCode(), "duration", kept.duration(), "timed_out", kept.timedOut(),
        "error", kept.error(), "stdout", Texts.tail(kept.stdout(), Texts.LOG_OUTPUT_CAP),
        "stderr", Texts.tail(kept.stderr(), Texts.LOG_OUTPUT_CAP));
    turn.publish("target_finished", "step", i, "worker_id", target.workerId(), "worker_name", target.workerName(),
        "command_id", commandId, "success", kept.success(), "exit_code", kept.exitCode(),
        "timed_out", kept.timedOut(), "error", kept.error());
    turn.settleTargets(i);
  }

  private static void workerLost(Turn turn, String workerId) {
    for (TargetState target : turn.s.runningTargets()) {
      if (target.workerId().equals(workerId) && !turn.s.status().terminal()) {
        endTarget(turn, target.commandId(), CommandOutcome.failure("worker_lost"), true);
      }
    }
  }

  private void tick(Turn turn) {
    ExecutionState s = turn.s;
    StepState state = s.currentState();
    if (s.status().terminal() || state == null || state.status() != StepStatus.RUNNING) {
      return;
    }
    int i = s.current();
    if (state.wakeAt() != null && state.wakeAt() <= turn.now) {
      if (s.step(i).type() == StepType.PROMPT) {
        promptTimedOut(turn, i);
        return;
      }
      turn.finishStep(i, StepStatus.COMPLETED, null);
      turn.afterStep(i);
      return;
    }
    retryDue(turn, i, state);
    for (TargetState target : s.runningTargets()) {
      if (target.deadline() != null && target.deadline() <= turn.now && !s.status().terminal()) {
        long waited = s.step(i).timeoutMs();
        turn.act(new Action.CancelCommand(target.workerId(), target.commandId()));
        endTarget(turn, target.commandId(), CommandOutcome.failure("no result from worker '" + target.workerName()
            + "' within its timeout (" + waited + " ms) and grace"), true);
      }
    }
  }

  /** Sends the next attempt of every target whose retry is due, under a new command id. */
  private void retryDue(Turn turn, int i, StepState state) {
    if (state.targets() == null) {
      return;
    }
    Step step = turn.s.step(i);
    for (TargetState target : state.targets()) {
      if (target.retrying() && target.retryAt() != null && target.retryAt() <= turn.now) {
        String commandId = ids.get();
        target.redispatched(commandId, turn.now + step.timeoutMs() + resultGraceMs);
        String command = Variables.render(step.command(), turn.s.params(), turn.s.vars());
        turn.act(new Action.Dispatch(i, commandId, target.workerId(), target.workerName(), command,
            step.timeoutMs()));
        turn.log("command_dispatched", "Sent to " + target.workerName() + " (attempt " + target.attempt() + " of "
                + step.retry().maxAttempts() + "): " + command, "step", i, "worker_id", target.workerId(),
            "worker_name", target.workerName(), "command_id", commandId, "attempt", target.attempt());
      }
    }
  }

  private static void answer(Turn turn, String response, String respondedBy, List<String> groups) {
    ExecutionState s = turn.s;
    StepState state = s.currentState();
    if (s.status() != ExecutionStatus.WAITING_FOR_INPUT || state == null || state.status() != StepStatus.RUNNING
        || s.step(s.current()).type() != StepType.PROMPT) {
      throw new Rejected(Rejected.Kind.CONFLICT, "Execution " + s.executionId() + " is not waiting for input (status "
          + s.status().wire() + ")");
    }
    int i = s.current();
    Step step = s.step(i);
    if (response == null || !step.options().contains(response)) {
      throw new Rejected(Rejected.Kind.INVALID, "The response must be one of: " + String.join(", ", step.options()));
    }
    Approval approval = step.approval();
    String decidedBy = respondedBy;
    if (approval != null) {
      if (!approval.allows(respondedBy, groups, s.startedBy())) {
        throw new Rejected(Rejected.Kind.FORBIDDEN, "'" + respondedBy + "' may not answer this prompt"
            + (approval.excludeStarter() && respondedBy.equals(s.startedBy()) ? ": the person who started the"
                + " execution may not answer it" : ": it is for " + Texts.approvers(approval)));
      }
      if (approval.required() > 1) {
        if (state.votes().stream().anyMatch(vote -> vote.by().equals(respondedBy))) {
          throw new Rejected(Rejected.Kind.CONFLICT, "'" + respondedBy + "' has already answered this prompt");
        }
        state.votes().add(new Vote(respondedBy, response, turn.now));
        List<String> agreeing = state.votes().stream().filter(vote -> vote.response().equals(response))
            .map(Vote::by).toList();
        turn.log("prompt_vote", "'" + turn.message(i) + "': " + respondedBy + " answered '" + response + "' ("
            + agreeing.size() + " of " + approval.required() + ")", "step", i, "response", response,
            "responded_by", respondedBy);
        turn.publish("execution_prompt", "prompt", turn.prompt(i));
        if (agreeing.size() < approval.required()) {
          return;
        }
        decidedBy = String.join(", ", agreeing);
      }
    }
    decide(turn, i, response, decidedBy, "prompt_answered", "'" + turn.message(i) + "' answered '" + response
        + "' by " + decidedBy);
  }

  /** Ends prompt step {@code i} with {@code response} and goes on. */
  private static void decide(Turn turn, int i, String response, String by, String event, String message) {
    ExecutionState s = turn.s;
    Step step = s.step(i);
    s.stepState(i).response(response).respondedBy(by).wakeAt(null);
    s.promptResponse(response);
    s.prompts().add(new PromptAnswer(i, step.name(), turn.message(i), step.options(), response, by, turn.now));
    turn.log(event, message, "step", i, "response", response, "responded_by", by);
    turn.finishStep(i, StepStatus.COMPLETED, null);
    turn.afterStep(i);
  }

  /** A prompt whose time ran out takes its default option, or fails without one. */
  private static void promptTimedOut(Turn turn, int i) {
    Step step = turn.s.step(i);
    String fallback = step.approval() == null ? null : step.approval().defaultOption();
    if (fallback == null) {
      turn.finishStep(i, StepStatus.FAILED, "no answer to '" + turn.message(i) + "' in time");
      turn.afterStep(i);
      return;
    }
    decide(turn, i, fallback, "timeout", "prompt_timed_out", "'" + turn.message(i) + "' was not answered in time;"
        + " taking the default '" + fallback + "'");
  }

  /**
   * Runs a failed execution again from the step that failed: that step starts afresh (its
   * condition is evaluated again, every target is sent its command again under a new id); the
   * steps before it keep their results.
   */
  private static void resumeFailed(Turn turn, String resumedBy) {
    ExecutionState s = turn.s;
    if (s.status() != ExecutionStatus.FAILED) {
      throw new Rejected(Rejected.Kind.CONFLICT, "Execution " + s.executionId() + " is " + s.status().wire()
          + "; only a failed execution can be resumed");
    }
    int handlers = s.firstOnFailureStep();
    int from = s.failedStep() != null ? s.failedStep() : Math.max(0, Math.min(s.current(), handlers - 1));
    String error = s.error();
    for (int i = from; i < s.steps().size(); i++) {
      if (i == from || s.step(i).onFailure()) {
        s.resetStep(i);
      }
    }
    s.error(null).completedAt(null).failedStep(null).failure(null);
    turn.log("execution_resumed", "Resumed by " + resumedBy + " from step '" + s.step(from).name()
        + "' after: " + error, "step", from, "resumed_by", resumedBy, "previous_error", error);
    turn.status(ExecutionStatus.RUNNING);
    turn.advance(from);
  }

  /** A child of the step in progress ended: the step's onFailure steps are done, or a branch or sub-workflow. */
  private static void childFinished(Turn turn, Event.ChildFinished event) {
    ExecutionState s = turn.s;
    StepState state = s.currentState();
    ChildRun child = s.status().terminal() || state == null ? null : state.child(event.childId());
    if (child == null || child.ended()) {
      return;
    }
    int i = s.current();
    Step step = s.step(i);
    child.end(event.status(), event.error(), event.vars());
    String what = Turn.describe(step, child.key());
    turn.log("child_finished", Character.toUpperCase(what.charAt(0)) + what.substring(1) + " " + event.status()
            + (event.error() == null ? "" : ": " + event.error()), "step", i, "key", child.key(),
        "child_execution_id", child.executionId(), "status", event.status(), "error", event.error());
    turn.publish("child_finished", "step", i, "key", child.key(), "child_execution_id", child.executionId(),
        "status", event.status(), "error", event.error());
    if (child.onFailure()) {
      state.handled(true);
      if (!child.completed()) {
        state.error(state.error() + "; its onFailure steps " + event.status()
            + (event.error() == null ? "" : ": " + event.error()));
      }
      turn.afterStep(i);
      return;
    }
    if (state.status() == StepStatus.RUNNING && turn.settleChildren(i)) {
      turn.afterStep(i);
    }
  }

  private static void cancel(Turn turn, String cancelledBy) {
    ExecutionState s = turn.s;
    if (s.status().terminal()) {
      throw new Rejected(Rejected.Kind.CONFLICT, "Execution " + s.executionId() + " has already finished (status "
          + s.status().wire() + ")");
    }
    String reason = "cancelled by " + cancelledBy;
    for (TargetState target : s.runningTargets()) {
      target.finish(CommandOutcome.failure(CANCELLED));
      turn.act(new Action.CancelCommand(target.workerId(), target.commandId()));
      turn.act(new Action.CloseCommand(target.commandId(), CANCELLED));
    }
    StepState state = s.currentState();
    if (state != null) {
      for (ChildRun child : state.children()) {
        if (!child.ended()) {
          child.end(ExecutionStatus.CANCELLED.wire(), reason, Map.of());
          turn.act(new Action.CancelChild(child.executionId(), cancelledBy));
        }
      }
    }
    if (state != null && state.targets() != null) {
      // A target between attempts has no command out: it just ends.
      state.targets().stream().filter(TargetState::retrying)
          .forEach(target -> target.finish(CommandOutcome.failure(CANCELLED)));
    }
    if (state != null && state.status() == StepStatus.RUNNING) {
      turn.finishStep(s.current(), StepStatus.FAILED, reason);
    }
    s.error(reason).completedAt(turn.now);
    turn.log("execution_cancelled", "Execution " + reason, "cancelled_by", cancelledBy);
    turn.status(ExecutionStatus.CANCELLED);
  }
}
