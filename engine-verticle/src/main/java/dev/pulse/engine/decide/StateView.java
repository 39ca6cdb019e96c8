package dev.pulse.engine.decide;

import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.PromptAnswer;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepState;
import dev.pulse.engine.model.StepStatus;
import dev.pulse.engine.model.TargetState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code state} variable a condition sees. Its shape is part of the product (workflow
 * authors write against it):
 * <pre>
 * state.execution_id, state.workflow_id, state.workflow_name, state.started_by, state.status
 * state.params                      the params given at start ({} when none)
 * state.vars                        step outputs by their {@code output} name ({} when none)
 * state.promptResponse              the latest prompt answer (null before any), same as promptResponse
 * state.prompts[k]                  {step, name, message, options, response, responded_by}, oldest first
 * state.current_step                the index of the step being decided
 * state.steps[i], state.steps['Step name']
 *   {index, name, type, status (pending|running|skipped|completed|failed), success, error, response}
 *   .results[j], .results['worker-name']
 *     {worker_id, worker_name, status, success, exit_code, stdout, stderr, timed_out, duration, error}
 * </pre>
 * Example: {@code state.steps['Check disk'].results.every(r => r.success)} or
 * {@code state.steps[0].results[0].stdout.includes('0 upgraded')}.
 */
public final class StateView {

  private StateView() {
  }

  /** The view of {@code state}: plain maps, lists and values, never the live objects. */
  public static Map<String, Object> of(ExecutionState state) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("execution_id", state.executionId());
    root.put("workflow_id", state.workflowId());
    root.put("workflow_name", state.workflowName());
    root.put("started_by", state.startedBy());
    root.put("status", state.status().wire());
    root.put("params", state.params());
    root.put("vars", new LinkedHashMap<String, Object>(state.vars()));
    root.put("promptResponse", state.promptResponse());
    List<Object> prompts = new ArrayList<>();
    for (PromptAnswer answer : state.prompts()) {
      Map<String, Object> prompt = new LinkedHashMap<>();
      prompt.put("step", answer.step());
      prompt.put("name", answer.name());
      prompt.put("message", answer.message());
      prompt.put("options", new ArrayList<Object>(answer.options()));
      prompt.put("response", answer.response());
      prompt.put("responded_by", answer.respondedBy());
      prompts.add(prompt);
    }
    root.put("prompts", prompts);
    root.put("current_step", state.current());
    NamedList steps = new NamedList();
    for (int i = 0; i < state.steps().size(); i++) {
      Step step = state.step(i);
      steps.add(step.name(), step(step, state.stepState(i)));
    }
    root.put("steps", steps);
    return root;
  }

  private static Map<String, Object> step(Step step, StepState state) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("index", step.index());
    view.put("name", step.name());
    view.put("type", step.type().wire());
    view.put("status", state.status().wire());
    view.put("success", state.status() == StepStatus.COMPLETED);
    view.put("error", state.error());
    view.put("response", state.response());
    NamedList results = new NamedList();
    if (state.targets() != null) {
      for (TargetState target : state.targets()) {
        results.add(target.workerName(), result(target));
      }
    }
    view.put("results", results);
    return view;
  }

  private static Map<String, Object> result(TargetState target) {
    CommandOutcome outcome = target.outcome();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("worker_id", target.workerId());
    view.put("worker_name", target.workerName());
    view.put("status", target.status().wire());
    view.put("success", outcome != null && outcome.success());
    view.put("exit_code", outcome == null ? null : outcome.exitCode());
    view.put("stdout", outcome == null ? "" : outcome.stdout());
    view.put("stderr", outcome == null ? "" : outcome.stderr());
    view.put("timed_out", outcome != null && outcome.timedOut());
    view.put("duration", outcome == null ? 0L : outcome.duration());
    view.put("error", outcome == null ? null : outcome.error());
    return view;
  }
}
