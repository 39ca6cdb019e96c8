package dev.pulse.engine.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine knows about one execution: the definition snapshot it runs and where it
 * stands. Plain Java; the store turns it into the {@code executions.state} JSON and back.
 */
public final class ExecutionState {

  private final String executionId;
  private final String workflowId;
  private final String workflowName;
  private final String startedBy;
  private final Map<String, Object> params;
  private final List<Step> steps;
  private final List<StepState> stepStates;
  private final List<PromptAnswer> prompts;
  private final Map<String, String> vars = new LinkedHashMap<>();
  private ExecutionStatus status = ExecutionStatus.PENDING;
  private int current = -1;
  private String promptResponse;
  private String error;
  private Long startedAt;
  private Long completedAt;
  private String failure;
  private Integer failedStep;
  private Parent parent;
  private int depth;

  /**
   * Where a child execution belongs: the execution and step that started it and its key there.
   */
  public record Parent(String executionId, int step, String key) {
  }

  /** A new execution of {@code steps}, pending, every step pending. */
  public ExecutionState(String executionId, String workflowId, String workflowName, String startedBy,
      Map<String, Object> params, List<Step> steps) {
    this.executionId = executionId;
    this.workflowId = workflowId;
    this.workflowName = workflowName;
    this.startedBy = startedBy;
    this.params = params == null ? Map.of() : Collections.unmodifiableMap(params);
    this.steps = List.copyOf(steps);
    this.stepStates = new ArrayList<>();
    this.prompts = new ArrayList<>();
    steps.forEach(step -> stepStates.add(new StepState()));
  }

  public String executionId() {
    return executionId;
  }

  public String workflowId() {
    return workflowId;
  }

  public String workflowName() {
    return workflowName;
  }

  public String startedBy() {
    return startedBy;
  }

  /** The parameters given at start (plain maps, lists, strings, numbers, booleans). */
  public Map<String, Object> params() {
    return params;
  }

  public List<Step> steps() {
    return steps;
  }

  public Step step(int index) {
    return steps.get(index);
  }

  public StepState stepState(int index) {
    return stepStates.get(index);
  }

  /**
   * Forgets what step {@code index} did, so that it runs afresh; a parallel step keeps the
   * branches that completed, so that only the others run again.
   */
  public void resetStep(int index) {
    StepState fresh = new StepState();
    if (steps.get(index).type() == StepType.PARALLEL) {
      stepStates.get(index).children().stream().filter(child -> child.completed() && !child.onFailure())
          .forEach(child -> fresh.children().add(child.copy()));
    }
    stepStates.set(index, fresh);
  }

  /**
   * While the {@code onFailure} steps run: the error that started them; null otherwise.
   */
  public String failure() {
    return failure;
  }

  public ExecutionState failure(String value) {
    this.failure = value;
    return this;
  }

  /** The main step that failed (what a resume starts from), or null. */
  public Integer failedStep() {
    return failedStep;
  }

  public ExecutionState failedStep(Integer value) {
    this.failedStep = value;
    return this;
  }

  /** Index of the first {@code onFailure} step, or the step count when there is none. */
  public int firstOnFailureStep() {
    for (Step step : steps) {
      if (step.onFailure()) {
        return step.index();
      }
    }
    return steps.size();
  }

  /** The execution whose step started this one, or null for a top-level execution. */
  public Parent parent() {
    return parent;
  }

  public ExecutionState parent(Parent value) {
    this.parent = value;
    return this;
  }

  /** How many parents this execution has (0 for a top-level one). */
  public int depth() {
    return depth;
  }

  public ExecutionState depth(int value) {
    this.depth = value;
    return this;
  }

  /** Step outputs by name ({@code output} in the definition), for {@code ${vars.name}}. */
  public Map<String, String> vars() {
    return vars;
  }

  public List<StepState> stepStates() {
    return stepStates;
  }

  public List<PromptAnswer> prompts() {
    return prompts;
  }

  public ExecutionStatus status() {
    return status;
  }

  public ExecutionState status(ExecutionStatus value) {
    this.status = value;
    return this;
  }

  /** The index of the step in progress (or the last one reached); -1 before the start. */
  public int current() {
    return current;
  }

  public ExecutionState current(int value) {
    this.current = value;
    return this;
  }

  /** The step in progress, or null. */
  public StepState currentState() {
    return current >= 0 && current < stepStates.size() ? stepStates.get(current) : null;
  }

  /** The most recent prompt answer, or null. */
  public String promptResponse() {
    return promptResponse;
  }

  public ExecutionState promptResponse(String value) {
    this.promptResponse = value;
    return this;
  }

  /** Why the execution failed or was cancelled, or null. */
  public String error() {
    return error;
  }

  public ExecutionState error(String value) {
    this.error = value;
    return this;
  }

  public Long startedAt() {
    return startedAt;
  }

  public ExecutionState startedAt(Long value) {
    this.startedAt = value;
    return this;
  }

  public Long completedAt() {
    return completedAt;
  }

  public ExecutionState completedAt(Long value) {
    this.completedAt = value;
    return this;
  }

  /** Every target still waiting for a result, in the step in progress. */
  public List<TargetState> runningTargets() {
    List<TargetState> out = new ArrayList<>();
    StepState step = currentState();
    if (step != null && step.targets() != null) {
      step.targets().stream().filter(TargetState::running).forEach(out::add);
    }
    return out;
  }

  /** A deep copy, so that a decision never changes the state it was given. */
  public ExecutionState copy() {
    ExecutionState copy = new ExecutionState(executionId, workflowId, workflowName, startedBy, params, steps);
    for (int i = 0; i < stepStates.size(); i++) {
      copy.stepStates.set(i, stepStates.get(i).copy());
    }
    copy.prompts.addAll(prompts);
    copy.vars.putAll(vars);
    return copy.status(status).current(current).promptResponse(promptResponse).error(error)
        .startedAt(startedAt).completedAt(completedAt).failure(failure).failedStep(failedStep).parent(parent)
        .depth(depth);
  }
}
