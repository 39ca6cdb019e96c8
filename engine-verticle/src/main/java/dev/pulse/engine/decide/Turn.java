package dev.pulse.engine.decide;

import dev.pulse.engine.definition.Variables;
import dev.pulse.engine.model.Approval;
import dev.pulse.engine.model.Branch;
import dev.pulse.engine.model.ChildRun;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepState;
import dev.pulse.engine.model.StepStatus;
import dev.pulse.engine.model.StepType;
import dev.pulse.engine.model.TargetState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** One decision in the making: the state being changed and what to record and do afterwards. */
final class Turn {

  /** How deep child executions (branches, sub-workflows, onFailure steps) may nest. */
  static final int MAX_DEPTH = 8;
  /** The key of a workflow step's one child. */
  static final String WORKFLOW_KEY = "workflow";

  final ExecutionState s;
  final long now;
  private final ConditionEvaluator conditions;
  private final Supplier<String> ids;
  private final List<LogEntry> logs = new ArrayList<>();
  private final List<Action> actions = new ArrayList<>();
  private boolean changed;

  Turn(ExecutionState state, long now, ConditionEvaluator conditions, Supplier<String> ids) {
    this.s = state;
    this.now = now;
    this.conditions = conditions;
    this.ids = ids;
  }

  Decision decision() {
    return new Decision(s, List.copyOf(logs), List.copyOf(actions), changed);
  }

  void changed() {
    changed = true;
  }

  void act(Action action) {
    changed = true;
    actions.add(action);
  }

  /** A log line; {@code kv} are alternating keys and values (null values dropped). */
  void log(String event, String message, Object... kv) {
    changed = true;
    logs.add(new LogEntry(now, event, message, pairs(kv)));
  }

  void publish(String type, Object... kv) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("execution_id", s.executionId());
    body.putAll(pairs(kv));
    act(new Action.Publish(body));
  }

  void status(ExecutionStatus status) {
    if (s.status() != status) {
      s.status(status);
      publish("execution_status", "status", status.wire(), "error", s.error());
    }
  }

  /** Runs the steps from {@code from} on until one has to wait, or the execution ends. */
  void advance(int from) {
    int end = s.failure() == null ? s.firstOnFailureStep() : s.steps().size();
    for (int i = from; i < end; i++) {
      s.current(i);
      Step step = s.step(i);
      if (step.condition() != null) {
        ConditionEvaluator.Outcome outcome = conditions.evaluate(step.condition(), StateView.of(s),
            s.promptResponse());
        if (outcome.failed()) {
          s.stepState(i).startedAt(now);
          finishStep(i, StepStatus.FAILED, "condition failed: " + outcome.error());
          afterStep(i);
          return;
        }
        if (!outcome.value()) {
          s.stepState(i).status(StepStatus.SKIPPED).finishedAt(now);
          log("step_skipped", "Step '" + step.name() + "' skipped: its condition is false", "step", i,
              "condition", step.condition());
          publish("step_finished", "step", i, "name", step.name(), "status", StepStatus.SKIPPED.wire());
          continue;
        }
      }
      if (startStep(i)) {
        return;
      }
      afterStep(i);
      return;
    }
    complete();
  }

  /** Starts step {@code i}; true when it now waits for something, false when it finished at once. */
  private boolean startStep(int i) {
    Step step = s.step(i);
    StepState state = s.stepState(i).status(StepStatus.RUNNING).startedAt(now);
    log("step_started", "Step '" + step.name() + "' (" + step.type().wire() + ") started", "step", i);
    publish("step_started", "step", i, "name", step.name(), "step_type", step.type().wire(),
        "status", StepStatus.RUNNING.wire());
    if (step.type() == StepType.EXECUTE) {
      act(new Action.ResolveTargets(i, step.targets()));
      return true;
    }
    if (step.startsChildren()) {
      return startChildren(i);
    }
    if (step.type() == StepType.PROMPT) {
      status(ExecutionStatus.WAITING_FOR_INPUT);
      if (step.approval() != null && step.approval().timeoutMs() > 0) {
        state.wakeAt(now + step.approval().timeoutMs());
        act(new Action.StartTimer(state.wakeAt()));
      }
      log("prompt_opened", "Waiting for an answer to '" + message(i) + "' (" + String.join(", ", step.options())
          + ")", "step", i);
      publish("execution_prompt", "prompt", prompt(i));
      return true;
    }
    long wakeAt = now + step.durationMs();
    state.wakeAt(wakeAt);
    if (step.durationMs() <= 0) {
      finishStep(i, StepStatus.COMPLETED, null);
      return false;
    }
    log("wait_started", "Waiting " + step.durationMs() + " ms", "step", i, "wake_at_ms", wakeAt);
    act(new Action.StartTimer(wakeAt));
    return true;
  }

  /**
   * Starts the children of parallel or workflow step {@code i}: one per branch that has not
   * completed yet (a resumed step keeps its completed branches), or the one workflow; true when
   * the step now waits for them.
   */
  private boolean startChildren(int i) {
    Step step = s.step(i);
    StepState state = s.stepState(i);
    if (s.depth() >= MAX_DEPTH) {
      finishStep(i, StepStatus.FAILED, "executions nest more than " + MAX_DEPTH + " levels deep (does a workflow"
          + " run itself?)");
      return false;
    }
    if (step.type() == StepType.WORKFLOW) {
      startChild(i, WORKFLOW_KEY);
      return true;
    }
    for (Branch branch : step.branches()) {
      if (state.children().stream().noneMatch(child -> child.key().equals(branch.name()) && child.completed())) {
        startChild(i, branch.name());
      } else {
        log("branch_kept", "Branch '" + branch.name() + "' completed before; it does not run again", "step", i,
            "branch", branch.name());
      }
    }
    return !settleChildren(i);
  }

  /** Records a new child of step {@code i} under {@code key} and asks for it to start. */
  private void startChild(int i, String key) {
    String id = ids.get();
    s.stepState(i).children().add(new ChildRun(key, id, ExecutionStatus.PENDING.wire(), null));
    act(childAction(i, s.stepState(i).child(id)));
    String what = describe(s.step(i), key);
    log("child_started", "Started " + what + " as execution " + id, "step", i, "key", key,
        "child_execution_id", id);
    publish("child_started", "step", i, "key", key, "child_execution_id", id, "status",
        ExecutionStatus.PENDING.wire());
  }

  /** What starts {@code child} of step {@code i}: the same every time, so a takeover can ask again. */
  Action.StartChild childAction(int i, ChildRun child) {
    Step step = s.step(i);
    String key = child.key();
    if (child.onFailure()) {
      return new Action.StartChild(i, key, child.executionId(), step.handler(), s.workflowId(),
          s.workflowName() + " › " + step.name() + " › onFailure", new LinkedHashMap<>(s.params()),
          new LinkedHashMap<>(s.vars()));
    }
    if (step.type() == StepType.WORKFLOW) {
      return new Action.StartChild(i, key, child.executionId(), null, step.workflowId(), null,
          Variables.values(step.workflowParams(), s.params(), s.vars()), Map.of());
    }
    Branch branch = step.branches().stream().filter(b -> b.name().equals(key)).findFirst().orElseThrow();
    return new Action.StartChild(i, key, child.executionId(), branch.definition(), s.workflowId(),
        s.workflowName() + " › " + step.name() + " › " + key, new LinkedHashMap<>(s.params()),
        new LinkedHashMap<>(s.vars()));
  }

  static String describe(Step step, String key) {
    if (ChildRun.ON_FAILURE.equals(key)) {
      return "the onFailure steps of '" + step.name() + "'";
    }
    return step.type() == StepType.WORKFLOW ? "workflow " + step.workflowId() : "branch '" + key + "'";
  }

  /**
   * Once every child of parallel or workflow step {@code i} has ended, ends the step (failed
   * when one did not complete) and takes the children's outputs; true when it ended.
   */
  boolean settleChildren(int i) {
    StepState state = s.stepState(i);
    List<ChildRun> children = state.children().stream().filter(child -> !child.onFailure()).toList();
    if (children.stream().anyMatch(child -> !child.ended())) {
      return false;
    }
    List<String> failed = new ArrayList<>();
    for (ChildRun child : children) {
      s.vars().putAll(child.vars());
      if (!child.completed()) {
        failed.add(describe(s.step(i), child.key()) + " " + child.status()
            + (child.error() == null ? "" : ": " + child.error()));
      }
    }
    if (failed.isEmpty()) {
      finishStep(i, StepStatus.COMPLETED, null);
    } else {
      finishStep(i, StepStatus.FAILED, String.join("; ", failed));
    }
    return true;
  }

  /** The pending prompt of step {@code i} as the dashboard shows it. */
  Map<String, Object> prompt(int i) {
    Step step = s.step(i);
    Map<String, Object> prompt = new LinkedHashMap<>();
    prompt.put("message", message(i));
    prompt.put("options", new ArrayList<Object>(step.options()));
    prompt.put("step", i);
    prompt.put("name", step.name());
    Approval approval = step.approval();
    if (approval != null) {
      prompt.put("required", approval.required());
      prompt.put("approvers", Map.of("groups", new ArrayList<Object>(approval.groups()),
          "users", new ArrayList<Object>(approval.users())));
      List<Object> votes = new ArrayList<>();
      s.stepState(i).votes().forEach(vote -> votes.add(Map.of("by", vote.by(), "response", vote.response())));
      prompt.put("votes", votes);
      if (s.stepState(i).wakeAt() != null) {
        prompt.put("timeout_at_ms", s.stepState(i).wakeAt());
        prompt.put("default_option", approval.defaultOption());
      }
    }
    return prompt;
  }

  /** Step {@code i}'s prompt message with {@code ${params.x}} and {@code ${vars.x}} filled in. */
  String message(int i) {
    return Variables.text(s.step(i).message(), s.params(), s.vars());
  }

  void finishStep(int i, StepStatus status, String error) {
    Step step = s.step(i);
    StepState state = s.stepState(i).status(status).finishedAt(now).error(error);
    String how = status == StepStatus.COMPLETED ? "completed" : "failed: " + error;
    log("step_finished", "Step '" + step.name() + "' " + how, "step", i, "status", status.wire(), "error", error);
    publish("step_finished", "step", i, "name", step.name(), "status", status.wire(), "error", error,
        "step_type", step.type().wire(), "duration_ms", state.startedAt() == null ? null : now - state.startedAt());
  }

  /** After step {@code i} ended: stop on an unforgiven failure, else go on with the next step. */
  void afterStep(int i) {
    Step step = s.step(i);
    StepState state = s.stepState(i);
    if (state.status() == StepStatus.FAILED && step.handler() != null && !state.handled()) {
      handle(i);
      return;
    }
    if (state.status() == StepStatus.FAILED) {
      if (!step.continueOnError()) {
        fail("Step '" + step.name() + "' failed: " + state.error());
        return;
      }
      log("step_failure_ignored", "Continuing: step '" + step.name() + "' has continueOnError", "step", i);
    }
    status(ExecutionStatus.RUNNING);
    advance(i + 1);
  }

  /** Runs failed step {@code i}'s own onFailure steps as a child; the step stays failed meanwhile. */
  private void handle(int i) {
    StepState state = s.stepState(i);
    if (s.depth() >= MAX_DEPTH) {
      state.handled(true);
      log("step_on_failure_skipped", "The onFailure steps of '" + s.step(i).name() + "' do not run: executions"
          + " nest more than " + MAX_DEPTH + " levels deep", "step", i);
      afterStep(i);
      return;
    }
    log("step_on_failure_started", "Step '" + s.step(i).name() + "' failed; running its onFailure steps", "step", i,
        "error", state.error());
    status(ExecutionStatus.RUNNING);
    startChild(i, ChildRun.ON_FAILURE);
  }

  /** Once every target of step {@code i} has ended, ends the step: failed if any target failed. */
  void settleTargets(int i) {
    List<TargetState> targets = s.stepState(i).targets();
    if (targets == null || targets.stream().anyMatch(target -> target.running() || target.retrying())) {
      return;
    }
    List<String> failed = new ArrayList<>();
    for (TargetState target : targets) {
      if (!target.outcome().success()) {
        failed.add(target.workerName() + " (" + why(target) + ")");
      }
    }
    String output = s.step(i).output();
    String field = s.step(i).outputJson();
    if (output != null) {
      // The first target (in resolution order) that succeeded gives the value: stdout trimmed, or a field of its JSON.
      TargetState source = targets.stream().filter(target -> target.outcome().success()).findFirst().orElse(null);
      JsonField.Found found = source == null ? null : field == null
          ? new JsonField.Found(source.outcome().stdout().strip(), null) : JsonField.at(source.outcome().stdout(), field);
      if (found != null && found.error() != null) {
        failed.add("output '" + output + "' from " + source.workerName() + ": " + found.error());
      } else if (found != null) {
        s.vars().put(output, found.value());
        log("output_captured", "Output '" + output + "' taken from " + source.workerName()
                + (field == null ? "" : " (JSON field " + field + ")"), "step", i, "output", output,
            "worker_name", source.workerName());
      }
    }
    if (failed.isEmpty()) {
      finishStep(i, StepStatus.COMPLETED, null);
    } else {
      long workers = targets.stream().filter(target -> !target.outcome().success()).count();
      finishStep(i, StepStatus.FAILED, workers == 0 ? String.join(", ", failed) : "failed on " + workers + " of "
          + targets.size() + " worker(s): " + String.join(", ", failed));
    }
    afterStep(i);
  }

  static String why(TargetState target) {
    var outcome = target.outcome();
    if (outcome.error() != null) {
      return outcome.error();
    }
    return outcome.timedOut() ? "timed out" : "exit code " + outcome.exitCode();
  }

  void complete() {
    if (s.failure() != null) {
      String failure = s.failure();
      log("on_failure_finished", "The onFailure steps finished");
      s.failure(null);
      end(failure);
      return;
    }
    s.current(s.firstOnFailureStep());
    s.completedAt(now);
    log("execution_completed", "Execution completed");
    status(ExecutionStatus.COMPLETED);
  }

  /**
   * The execution failed: runs the workflow's {@code onFailure} steps first when it has some, then
   * ends failed with the original reason. A failing onFailure step ends it at once.
   */
  void fail(String reason) {
    if (s.failure() != null) {
      String failure = s.failure();
      s.failure(null);
      end(failure + "; then onFailure " + Character.toLowerCase(reason.charAt(0)) + reason.substring(1));
      return;
    }
    int handlers = s.firstOnFailureStep();
    s.failedStep(Math.min(s.current(), handlers - 1));
    if (handlers < s.steps().size()) {
      s.failure(reason);
      log("on_failure_started", "Running the onFailure steps after: " + reason, "error", reason);
      advance(handlers);
      return;
    }
    end(reason);
  }

  private void end(String reason) {
    s.error(reason).completedAt(now);
    log("execution_failed", "Execution failed: " + reason, "error", reason);
    status(ExecutionStatus.FAILED);
  }

  private static Map<String, Object> pairs(Object... kv) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        map.put((String) kv[i], kv[i + 1]);
      }
    }
    return map;
  }
}
