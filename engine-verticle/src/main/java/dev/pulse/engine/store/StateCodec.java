package dev.pulse.engine.store;

import dev.pulse.engine.decide.LogEntry;
import dev.pulse.engine.model.ChildRun;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.PromptAnswer;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepState;
import dev.pulse.engine.model.StepStatus;
import dev.pulse.engine.model.TargetState;
import dev.pulse.engine.model.TargetStatus;
import dev.pulse.engine.model.Vote;
import dev.pulse.contracts.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code executions.state} JSON: the runtime part of an execution, in the same snake_case
 * shape the API returns for {@code steps}. The definition snapshot is stored beside it.
 */
public final class StateCodec {

  private StateCodec() {
  }

  /** The JSON form of {@code state}. */
  public static JsonObject toJson(ExecutionState state) {
    JsonArray steps = new JsonArray();
    for (int i = 0; i < state.steps().size(); i++) {
      steps.add(step(state.step(i), state.stepState(i)));
    }
    return head(state).put("steps", steps);
  }

  /** Each step's JSON, encoded, in order: how {@code execution_steps} stores them. */
  public static List<String> steps(ExecutionState state) {
    List<String> steps = new ArrayList<>(state.steps().size());
    for (int i = 0; i < state.steps().size(); i++) {
      steps.add(step(state.step(i), state.stepState(i)).encode());
    }
    return steps;
  }

  /**
   * The state JSON {@code head} ({@code executions.state}) with the steps stored beside it
   * ({@code execution_steps}: index and JSON) in place of those it holds itself (executions
   * stored before the steps had rows of their own carry them in the head).
   */
  public static JsonObject withSteps(JsonObject head, Map<Integer, JsonObject> stored) {
    JsonObject json = head == null ? new JsonObject() : head.copy();
    JsonArray steps = json.getJsonArray("steps", new JsonArray());
    stored.forEach((index, step) -> {
      while (steps.size() <= index) {
        steps.addNull();
      }
      steps.set(index, step);
    });
    return json.put("steps", steps);
  }

  /** The execution-wide part of {@code state}'s JSON: everything but the steps. */
  public static JsonObject head(ExecutionState state) {
    JsonArray prompts = new JsonArray();
    for (PromptAnswer answer : state.prompts()) {
      prompts.add(new JsonObject().put("step", answer.step()).put("name", answer.name())
          .put("message", answer.message()).put("options", new JsonArray(answer.options()))
          .put("response", answer.response()).put("responded_by", answer.respondedBy())
          .put("responded_at", iso(answer.respondedAt())));
    }
    return new JsonObject().put("status", state.status().wire()).put("current_step", state.current())
        .put("params", Plain.json(state.params())).put("vars", new JsonObject(new LinkedHashMap<>(state.vars())))
        .put("prompt_response", state.promptResponse())
        .put("prompts", prompts).put("error", state.error()).put("started_at", iso(state.startedAt()))
        .put("completed_at", iso(state.completedAt())).put("failure", state.failure())
        .put("failed_step", state.failedStep()).put("parent", parent(state.parent()))
        .put("depth", state.depth() == 0 ? null : state.depth());
  }

  private static JsonObject parent(ExecutionState.Parent parent) {
    return parent == null ? null : new JsonObject().put("execution_id", parent.executionId())
        .put("step", parent.step()).put("key", parent.key());
  }

  private static JsonArray children(StepState state) {
    JsonArray children = new JsonArray();
    for (ChildRun child : state.children()) {
      children.add(new JsonObject().put("key", child.key()).put("execution_id", child.executionId())
          .put("status", child.status()).put("error", child.error())
          .put("vars", new JsonObject(new LinkedHashMap<>(child.vars()))));
    }
    return children;
  }

  private static JsonObject step(Step step, StepState state) {
    JsonArray results = null;
    if (state.targets() != null) {
      results = new JsonArray();
      for (TargetState target : state.targets()) {
        results.add(target(target));
      }
    }
    JsonObject json = new JsonObject().put("index", step.index()).put("name", step.name())
        .put("type", step.type().wire());
    if (step.onFailure()) {
      json.put("on_failure", true);
    }
    if (!state.votes().isEmpty()) {
      json.put("votes", votes(state));
    }
    if (!state.children().isEmpty()) {
      json.put("children", children(state));
    }
    if (state.handled()) {
      json.put("on_failure_ran", true);
    }
    return json.put("status", state.status().wire()).put("started_at", iso(state.startedAt()))
        .put("finished_at", iso(state.finishedAt())).put("error", state.error())
        .put("wake_at", iso(state.wakeAt())).put("response", state.response())
        .put("responded_by", state.respondedBy()).put("results", results);
  }

  private static JsonArray votes(StepState state) {
    JsonArray votes = new JsonArray();
    state.votes().forEach(vote -> votes.add(new JsonObject().put("by", vote.by()).put("response", vote.response())
        .put("at", iso(vote.at()))));
    return votes;
  }

  private static JsonObject target(TargetState target) {
    JsonObject json = new JsonObject().put("worker_id", target.workerId()).put("worker_name", target.workerName())
        .put("command_id", target.commandId()).put("status", target.status().wire())
        .put("deadline_at", iso(target.deadline()));
    if (target.attempt() > 1 || target.retrying()) {
      json.put("attempt", target.attempt()).put("retry_at", iso(target.retryAt()));
    }
    CommandOutcome outcome = target.outcome();
    if (outcome != null) {
      json.put("success", outcome.success()).put("exit_code", outcome.exitCode()).put("stdout", outcome.stdout())
          .put("stderr", outcome.stderr()).put("duration", outcome.duration()).put("timed_out", outcome.timedOut())
          .put("error", outcome.error());
    }
    return json;
  }

  /** Rebuilds an execution from its row: the snapshot's steps and the state JSON (null for a new one). */
  public static ExecutionState fromJson(String id, String workflowId, String workflowName, String startedBy,
      List<Step> steps, JsonObject json) {
    JsonObject source = json == null ? new JsonObject() : json;
    ExecutionState state = new ExecutionState(id, workflowId, workflowName, startedBy,
        Plain.map(source.getJsonObject("params")), steps);
    ExecutionStatus status = ExecutionStatus.parse(source.getString("status"));
    state.status(status == null ? ExecutionStatus.PENDING : status).current(source.getInteger("current_step", -1))
        .promptResponse(source.getString("prompt_response")).error(source.getString("error"))
        .startedAt(millis(source.getString("started_at"))).completedAt(millis(source.getString("completed_at")))
        .failure(source.getString("failure")).failedStep(source.getInteger("failed_step"))
        .depth(source.getInteger("depth") == null ? 0 : source.getInteger("depth"));
    JsonObject parent = source.getJsonObject("parent");
    if (parent != null) {
      state.parent(new ExecutionState.Parent(parent.getString("execution_id"), parent.getInteger("step", 0),
          parent.getString("key")));
    }
    source.getJsonObject("vars", new JsonObject()).forEach(entry ->
        state.vars().put(entry.getKey(), String.valueOf(entry.getValue())));
    for (Object item : source.getJsonArray("prompts", new JsonArray())) {
      JsonObject p = (JsonObject) item;
      state.prompts().add(new PromptAnswer(p.getInteger("step", 0), p.getString("name"), p.getString("message"),
          Wire.strings(p.getJsonArray("options")), p.getString("response"), p.getString("responded_by"),
          millis(p.getString("responded_at"))));
    }
    JsonArray stepsJson = source.getJsonArray("steps", new JsonArray());
    for (int i = 0; i < stepsJson.size() && i < steps.size(); i++) {
      if (stepsJson.getValue(i) instanceof JsonObject step) {
        readStep(step, state.stepState(i));
      }
    }
    return state;
  }

  private static void readStep(JsonObject json, StepState state) {
    state.status(StepStatus.parse(json.getString("status"))).startedAt(millis(json.getString("started_at")))
        .finishedAt(millis(json.getString("finished_at"))).error(json.getString("error"))
        .wakeAt(millis(json.getString("wake_at"))).response(json.getString("response"))
        .respondedBy(json.getString("responded_by"));
    JsonArray votes = json.getJsonArray("votes");
    for (Object item : votes == null ? new JsonArray() : votes) {
      JsonObject vote = (JsonObject) item;
      Long at = millis(vote.getString("at"));
      state.votes().add(new Vote(vote.getString("by"), vote.getString("response"), at == null ? 0 : at));
    }
    state.handled(json.getBoolean("on_failure_ran", false));
    JsonArray children = json.getJsonArray("children");
    for (Object item : children == null ? new JsonArray() : children) {
      JsonObject c = (JsonObject) item;
      ChildRun child = new ChildRun(c.getString("key"), c.getString("execution_id"), c.getString("status"),
          c.getString("error"));
      c.getJsonObject("vars", new JsonObject()).forEach(entry -> child.vars().put(entry.getKey(),
          String.valueOf(entry.getValue())));
      state.children().add(child);
    }
    JsonArray results = json.getJsonArray("results");
    if (results != null) {
      List<TargetState> targets = new ArrayList<>();
      for (Object item : results) {
        JsonObject t = (JsonObject) item;
        TargetStatus status = TargetStatus.parse(t.getString("status"));
        CommandOutcome outcome = status == TargetStatus.RUNNING ? null : outcome(t);
        targets.add(new TargetState(t.getString("worker_id"), t.getString("worker_name"), t.getString("command_id"),
            status, millis(t.getString("deadline_at")), outcome, t.getInteger("attempt", 1),
            millis(t.getString("retry_at"))));
      }
      state.targets(targets);
    }
  }

  /** A command result (the worker's {@code command_result} JSON) as an outcome. */
  public static CommandOutcome outcome(JsonObject result) {
    return new CommandOutcome(result.getBoolean("success", false), result.getInteger("exit_code", -1),
        result.getString("stdout", ""), result.getString("stderr", ""), result.getLong("duration", 0L),
        result.getBoolean("timed_out", false), result.getString("error"));
  }

  /** Log lines as stored in {@code executions.logs}: {@code {timestamp, event, message, ...data}}. */
  public static JsonArray logs(List<LogEntry> entries) {
    JsonArray out = new JsonArray();
    for (LogEntry entry : entries) {
      JsonObject line = new JsonObject().put("timestamp", iso(entry.at())).put("event", entry.event())
          .put("message", entry.message());
      Plain.json(entry.data()).forEach(field -> line.put(field.getKey(), field.getValue()));
      out.add(line);
    }
    return out;
  }

  static String iso(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis).toString();
  }

  private static Long millis(String iso) {
    return iso == null ? null : Instant.parse(iso).toEpochMilli();
  }
}
