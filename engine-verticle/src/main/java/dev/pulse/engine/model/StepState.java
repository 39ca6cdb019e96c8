package dev.pulse.engine.model;

import java.util.ArrayList;
import java.util.List;

/** The runtime state of one step of an execution. */
public final class StepState {

  private StepStatus status = StepStatus.PENDING;
  private Long startedAt;
  private Long finishedAt;
  private String error;
  private List<TargetState> targets;
  private Long wakeAt;
  private String response;
  private String respondedBy;
  private List<Vote> votes = new ArrayList<>();
  private List<ChildRun> children = new ArrayList<>();
  private boolean handled;

  public StepStatus status() {
    return status;
  }

  public StepState status(StepStatus value) {
    this.status = value;
    return this;
  }

  public Long startedAt() {
    return startedAt;
  }

  public StepState startedAt(Long value) {
    this.startedAt = value;
    return this;
  }

  public Long finishedAt() {
    return finishedAt;
  }

  public StepState finishedAt(Long value) {
    this.finishedAt = value;
    return this;
  }

  public String error() {
    return error;
  }

  public StepState error(String value) {
    this.error = value;
    return this;
  }

  /** The execute step's targets; null until they are resolved. */
  public List<TargetState> targets() {
    return targets;
  }

  public StepState targets(List<TargetState> value) {
    this.targets = value;
    return this;
  }

  /** A wait step's wake-up time (epoch ms), null otherwise. */
  public Long wakeAt() {
    return wakeAt;
  }

  public StepState wakeAt(Long value) {
    this.wakeAt = value;
    return this;
  }

  /** A prompt step's answer, null otherwise. */
  public String response() {
    return response;
  }

  public StepState response(String value) {
    this.response = value;
    return this;
  }

  public String respondedBy() {
    return respondedBy;
  }

  public StepState respondedBy(String value) {
    this.respondedBy = value;
    return this;
  }

  /** A prompt's answers so far, when it needs several. */
  public List<Vote> votes() {
    return votes;
  }

  /** The child executions this step started (branches, a sub-workflow, its onFailure steps). */
  public List<ChildRun> children() {
    return children;
  }

  /** The child {@code executionId}, or null. */
  public ChildRun child(String executionId) {
    return children.stream().filter(child -> child.executionId().equals(executionId)).findFirst().orElse(null);
  }

  /** The child that runs this step's own onFailure steps, or null. */
  public ChildRun handler() {
    return children.stream().filter(ChildRun::onFailure).findFirst().orElse(null);
  }

  /** Whether this failed step's own onFailure steps have run. */
  public boolean handled() {
    return handled;
  }

  public StepState handled(boolean value) {
    this.handled = value;
    return this;
  }

  /** The target running {@code commandId}, or null. */
  public TargetState target(String commandId) {
    if (targets != null && commandId != null) {
      for (TargetState target : targets) {
        if (commandId.equals(target.commandId())) {
          return target;
        }
      }
    }
    return null;
  }

  /** A copy that shares nothing mutable. */
  public StepState copy() {
    StepState copy = new StepState().status(status).startedAt(startedAt).finishedAt(finishedAt).error(error)
        .wakeAt(wakeAt).response(response).respondedBy(respondedBy).handled(handled);
    copy.votes = new ArrayList<>(votes);
    children.forEach(child -> copy.children.add(child.copy()));
    if (targets != null) {
      List<TargetState> copied = new ArrayList<>();
      targets.forEach(target -> copied.add(target.copy()));
      copy.targets(copied);
    }
    return copy;
  }
}
