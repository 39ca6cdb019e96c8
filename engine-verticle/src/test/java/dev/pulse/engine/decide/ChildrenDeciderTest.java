package dev.pulse.engine.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.decide.Event.Worker;
import dev.pulse.engine.definition.StepParser;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.StepStatus;
import dev.pulse.engine.store.StateCodec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Parallel branches, sub-workflows and a step's own onFailure steps, decided as child executions. */
class ChildrenDeciderTest {

  private static final Worker WEB1 = new Worker("id1", "web-01", "online");
  private static final JsonObject DEFINITION = new JsonObject("""
      {"params":{"release":{"type":"string"}},
       "steps":[
        {"name":"Both","type":"parallel","branches":[
          {"name":"web","steps":[{"type":"execute","targets":["web"],"command":"deploy web"}]},
          {"name":"db","steps":[{"type":"execute","targets":["db"],"command":"migrate","output":"schema"}]}]},
        {"name":"Smoke","type":"workflow","workflow":"w-smoke",
         "params":{"release":"${params.release}","label":"v${params.release} schema ${vars.schema}"},
         "onFailure":[{"type":"execute","targets":["all"],"command":"page someone"}]},
        {"name":"Done","type":"execute","targets":["all"],"command":"echo ${vars.smoked}"}]}""");
  private final AtomicInteger ids = new AtomicInteger();
  private final Decider decider = new Decider(new RhinoConditions(100), () -> "x" + ids.incrementAndGet(), 1_000);
  private ExecutionState state = new ExecutionState("e1", "w1", "Deploy", "alice", Map.of("release", "42"),
      StepParser.steps(DEFINITION));

  private Decision on(Event event) {
    Decision decision = decider.decide(state, event, 1_000_000);
    state = decision.state();
    return decision;
  }

  private static CommandOutcome ok() {
    return new CommandOutcome(true, 0, "", "", 5, false, null);
  }

  @Test
  void branchesStartTogetherAndTheStepWaitsForBoth() {
    Decision started = on(new Event.Start());
    List<Action.StartChild> children = started.actions(Action.StartChild.class);
    assertEquals(List.of("web", "db"), children.stream().map(Action.StartChild::key).toList());
    assertEquals("w1", children.get(0).workflowId(), "a branch belongs to its parent's workflow");
    assertEquals("Deploy › Both › web", children.get(0).name());
    assertEquals(Map.of("release", "42"), children.get(0).params());
    assertEquals(ExecutionStatus.RUNNING, state.status());

    on(new Event.ChildFinished("x2", "completed", null, Map.of("schema", "v7")));
    assertEquals(StepStatus.RUNNING, state.stepState(0).status(), "web still runs");
    Decision joined = on(new Event.ChildFinished("x1", "completed", null, Map.of()));
    assertEquals(StepStatus.COMPLETED, state.stepState(0).status());
    assertEquals("v7", state.vars().get("schema"), "a branch's output reaches later steps");

    Action.StartChild smoke = joined.actions(Action.StartChild.class).get(0);
    assertEquals("w-smoke", smoke.workflowId());
    assertNull(smoke.definition(), "a sub-workflow runs the workflow as saved");
    assertEquals(Map.of("release", "42", "label", "v42 schema v7"), smoke.params());
  }

  @Test
  void aFailedBranchFailsTheStepAfterTheOthersEnd() {
    on(new Event.Start());
    on(new Event.ChildFinished("x1", "failed", "Step 'Step 1' failed: boom", Map.of()));
    assertEquals(StepStatus.RUNNING, state.stepState(0).status(), "the join waits for every branch");
    on(new Event.ChildFinished("x2", "completed", null, Map.of()));
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertEquals("Step 'Both' failed: branch 'web' failed: Step 'Step 1' failed: boom", state.error());

    Decision resumed = on(new Event.ResumeRequested("bob"));
    assertEquals(List.of("web"), resumed.actions(Action.StartChild.class).stream().map(Action.StartChild::key)
        .toList(), "a resume runs again only the branch that failed");
    assertTrue(resumed.logs().stream().anyMatch(line -> line.event().equals("branch_kept")));
  }

  @Test
  void aFailedSubWorkflowRunsTheStepsOwnOnFailureStepsThenFails() {
    on(new Event.Start());
    on(new Event.ChildFinished("x1", "completed", null, Map.of()));
    on(new Event.ChildFinished("x2", "completed", null, Map.of()));
    Decision failed = on(new Event.ChildFinished("x3", "failed", "smoke test failed", Map.of()));
    assertEquals(StepStatus.FAILED, state.stepState(1).status());
    assertEquals(ExecutionStatus.RUNNING, state.status(), "the step's onFailure steps run first");
    Action.StartChild handler = failed.actions(Action.StartChild.class).get(0);
    assertEquals("onFailure", handler.key());
    assertTrue(failed.logs().stream().anyMatch(line -> line.event().equals("step_on_failure_started")));

    on(new Event.ChildFinished(handler.childId(), "completed", null, Map.of()));
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertEquals("Step 'Smoke' failed: workflow w-smoke failed: smoke test failed", state.error());
    assertEquals(StepStatus.PENDING, state.stepState(2).status(), "Done never ran");
  }

  @Test
  void cancellingCancelsTheChildrenStillRunning() {
    on(new Event.Start());
    on(new Event.ChildFinished("x1", "completed", null, Map.of()));
    Decision cancelled = on(new Event.CancelRequested("carol"));
    assertEquals(List.of(new Action.CancelChild("x2", "carol")), cancelled.actions(Action.CancelChild.class));
    assertEquals(ExecutionStatus.CANCELLED, state.status());
    assertTrue(on(new Event.ChildFinished("x2", "cancelled", null, Map.of())).actions().isEmpty(),
        "a late report changes nothing");
  }

  @Test
  void aTakeoverAsksAgainForEveryChildNotEndedAndTheStateSurvivesStorage() {
    on(new Event.Start());
    on(new Event.ChildFinished("x1", "completed", null, Map.of("a", "1")));
    state = StateCodec.fromJson("e1", "w1", "Deploy", "alice", StepParser.steps(DEFINITION),
        StateCodec.toJson(state));
    Decision resumed = on(new Event.Resume("node-b"));
    assertEquals(List.of("x2"), resumed.actions(Action.StartChild.class).stream().map(Action.StartChild::childId)
        .toList());
    on(new Event.ChildFinished("x2", "completed", null, Map.of()));
    assertEquals("1", state.vars().get("a"));
    assertEquals(StepStatus.COMPLETED, state.stepState(0).status());
  }

  @Test
  void childrenNestOnlySoDeep() {
    state.depth(8);
    on(new Event.Start());
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertTrue(state.error().contains("nest more than 8 levels"), state.error());
  }

  @Test
  void anExecuteStepWithItsOwnOnFailureRunsItWhenATargetFails() {
    JsonObject definition = new JsonObject("""
        {"steps":[{"name":"Upgrade","type":"execute","targets":["all"],"command":"upgrade","continueOnError":true,
          "onFailure":[{"type":"execute","targets":["all"],"command":"restore"}]},
         {"name":"Report","type":"execute","targets":["all"],"command":"report"}]}""");
    state = new ExecutionState("e2", "w1", "Upgrade", "alice", Map.of(), StepParser.steps(definition));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    Decision failed = on(new Event.CommandFinished("x1", new CommandOutcome(false, 1, "", "no", 5, false, null)));
    String handler = failed.actions(Action.StartChild.class).get(0).childId();
    assertEquals(List.of(), failed.actions(Action.ResolveTargets.class), "Report waits for the onFailure steps");
    Decision next = on(new Event.ChildFinished(handler, "failed", "restore failed", Map.of()));
    assertEquals(List.of(new Action.ResolveTargets(1, List.of("all"))), next.actions(Action.ResolveTargets.class),
        "continueOnError goes on after the onFailure steps");
    assertTrue(state.stepState(0).error().endsWith("; its onFailure steps failed: restore failed"),
        state.stepState(0).error());
  }
}
