package dev.pulse.engine.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.decide.Event.Worker;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepStatus;
import dev.pulse.engine.model.StepType;
import dev.pulse.engine.model.TargetStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeciderTest {

  private static final long GRACE = 1_000;
  private final AtomicInteger ids = new AtomicInteger();
  private final Decider decider = new Decider(new RhinoConditions(100), () -> "c" + ids.incrementAndGet(), GRACE);
  private long now = 1_000_000;
  private ExecutionState state;

  static Step execute(String name, String condition, boolean continueOnError) {
    return new Step(0, name, StepType.EXECUTE, List.of("all"), "run " + name, condition, 5_000, null, null, 0,
        continueOnError, null, null, false, null);
  }

  static Step prompt(String name) {
    return new Step(0, name, StepType.PROMPT, null, null, null, 0, "Proceed?", List.of("Yes", "No"), 0, false, null, null, false, null);
  }

  static Step waitStep(String name, long ms) {
    return new Step(0, name, StepType.WAIT, null, null, null, 0, null, null, ms, false, null, null, false, null);
  }

  private void begin(Step... steps) {
    List<Step> indexed = new ArrayList<>();
    for (int i = 0; i < steps.length; i++) {
      Step s = steps[i];
      indexed.add(new Step(i, s.name(), s.type(), s.targets(), s.command(), s.condition(), s.timeoutMs(),
          s.message(), s.options(), s.durationMs(), s.continueOnError(), s.retry(), s.output(), s.onFailure(), s.approval()));
    }
    state = new ExecutionState("e1", "w1", "wf", "alice", Map.of(), indexed);
  }

  private Decision on(Event event) {
    Decision decision = decider.decide(state, event, now);
    state = decision.state();
    return decision;
  }

  private static final Worker WEB1 = new Worker("id1", "web-01", "online");
  private static final Worker WEB2 = new Worker("id2", "web-02", "busy");

  private static CommandOutcome ok(String stdout) {
    return new CommandOutcome(true, 0, stdout, "", 12, false, null);
  }

  private static CommandOutcome exit(int code) {
    return new CommandOutcome(false, code, "", "boom", 12, false, null);
  }

  private List<String> published(Decision decision) {
    return decision.actions(Action.Publish.class).stream().map(p -> p.body().get("type") + ":"
        + p.body().getOrDefault("status", p.body().getOrDefault("step", ""))).toList();
  }

  @Test
  void stepsRunInSequenceAndTheExecutionCompletes() {
    begin(execute("one", null, false), execute("two", null, false));
    Decision started = on(new Event.Start());
    assertEquals(ExecutionStatus.RUNNING, state.status());
    assertEquals(List.of(new Action.ResolveTargets(0, List.of("all"))), started.actions(Action.ResolveTargets.class));
    assertEquals(List.of("execution_status:running", "step_started:running"), published(started));

    Decision dispatched = on(new Event.TargetsResolved(0, List.of(WEB1, WEB2, WEB1)));
    assertEquals(List.of(new Action.Dispatch(0, "c1", "id1", "web-01", "run one", 5_000),
        new Action.Dispatch(0, "c2", "id2", "web-02", "run one", 5_000)), dispatched.actions(Action.Dispatch.class));

    on(new Event.CommandFinished("c1", ok("hello")));
    assertEquals(StepStatus.RUNNING, state.stepState(0).status());
    Decision next = on(new Event.CommandFinished("c2", ok("")));
    assertEquals(StepStatus.COMPLETED, state.stepState(0).status());
    assertEquals(List.of(new Action.ResolveTargets(1, List.of("all"))), next.actions(Action.ResolveTargets.class));

    on(new Event.TargetsResolved(1, List.of(WEB1)));
    Decision done = on(new Event.CommandFinished("c3", ok("")));
    assertEquals(ExecutionStatus.COMPLETED, state.status());
    assertEquals(now, state.completedAt());
    assertTrue(published(done).contains("execution_status:completed"));
    assertEquals("hello", state.stepState(0).targets().get(0).outcome().stdout());
  }

  @Test
  void decidingNeverChangesTheGivenState() {
    begin(execute("one", null, false));
    ExecutionState before = state;
    Decision decision = decider.decide(before, new Event.Start(), now);
    assertEquals(ExecutionStatus.PENDING, before.status());
    assertEquals(StepStatus.PENDING, before.stepState(0).status());
    assertEquals(ExecutionStatus.RUNNING, decision.state().status());
  }

  @Test
  void falseConditionSkipsTheStep() {
    begin(prompt("ask"), execute("upgrade", "promptResponse === 'Yes'", false), waitStep("pause", 0));
    on(new Event.Start());
    Decision answered = on(new Event.PromptAnswered("No", "bob"));
    assertEquals(StepStatus.SKIPPED, state.stepState(1).status());
    assertEquals(StepStatus.COMPLETED, state.stepState(2).status());
    assertEquals(ExecutionStatus.COMPLETED, state.status());
    assertTrue(answered.actions(Action.ResolveTargets.class).isEmpty());
    assertTrue(answered.logs().stream().anyMatch(l -> l.event().equals("step_skipped")));
    assertTrue(published(answered).contains("step_finished:skipped"));
  }

  @Test
  void trueConditionRunsTheStep() {
    begin(prompt("ask"), execute("upgrade", "promptResponse === 'Yes'", false));
    on(new Event.Start());
    Decision answered = on(new Event.PromptAnswered("Yes", "bob"));
    assertEquals(StepStatus.RUNNING, state.stepState(1).status());
    assertEquals(1, answered.actions(Action.ResolveTargets.class).size());
  }

  @Test
  void conditionCanReadEarlierResultsThroughState() {
    begin(execute("check", null, false),
        execute("act", "state.steps['check'].results['web-01'].stdout.includes('needed')", false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    on(new Event.CommandFinished("c1", ok("reboot not required")));
    assertEquals(StepStatus.SKIPPED, state.stepState(1).status());
    assertEquals(ExecutionStatus.COMPLETED, state.status());
  }

  @Test
  void conditionThatThrowsFailsTheStepWithItsMessage() {
    begin(execute("one", "state.nope.deeper", false));
    on(new Event.Start());
    assertEquals(StepStatus.FAILED, state.stepState(0).status());
    assertTrue(state.stepState(0).error().startsWith("condition failed: TypeError"), state.stepState(0).error());
    assertEquals(ExecutionStatus.FAILED, state.status());
  }

  @Test
  void endlessConditionFailsTheStepClearly() {
    begin(execute("one", "while (true) {}", false));
    on(new Event.Start());
    assertTrue(state.stepState(0).error().contains("budget"), state.stepState(0).error());
  }

  @Test
  void failingCommandFailsTheStepAndTheExecution() {
    begin(execute("one", null, false), execute("two", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1, WEB2)));
    on(new Event.CommandFinished("c1", exit(2)));
    Decision last = on(new Event.CommandFinished("c2", ok("")));
    assertEquals(StepStatus.FAILED, state.stepState(0).status());
    assertEquals("failed on 1 of 2 worker(s): web-01 (exit code 2)", state.stepState(0).error());
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertEquals("Step 'one' failed: failed on 1 of 2 worker(s): web-01 (exit code 2)", state.error());
    assertEquals(StepStatus.PENDING, state.stepState(1).status());
    assertTrue(last.actions(Action.ResolveTargets.class).isEmpty());
  }

  @Test
  void continueOnErrorGoesOnAfterAFailedStep() {
    begin(execute("one", null, true), execute("two", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    Decision next = on(new Event.CommandFinished("c1", exit(1)));
    assertEquals(StepStatus.FAILED, state.stepState(0).status());
    assertEquals(ExecutionStatus.RUNNING, state.status());
    assertEquals(1, next.actions(Action.ResolveTargets.class).size());
    on(new Event.TargetsResolved(1, List.of(WEB1)));
    on(new Event.CommandFinished("c2", ok("")));
    assertEquals(ExecutionStatus.COMPLETED, state.status());
  }

  @Test
  void offlineTargetFailsAtOnceWithoutDispatch() {
    begin(execute("one", null, false));
    on(new Event.Start());
    Decision decision = on(new Event.TargetsResolved(0, List.of(new Worker("id9", "db-01", "offline"))));
    assertTrue(decision.actions(Action.Dispatch.class).isEmpty());
    assertEquals("worker 'db-01' is offline", state.stepState(0).targets().get(0).outcome().error());
    assertEquals(ExecutionStatus.FAILED, state.status());
  }

  @Test
  void unknownTargetFailsTheStepWithTheReason() {
    begin(execute("one", null, false));
    on(new Event.Start());
    on(new Event.TargetsFailed(0, "Unknown targets: nowhere"));
    assertEquals("Unknown targets: nowhere", state.stepState(0).error());
    assertEquals(ExecutionStatus.FAILED, state.status());
  }

  @Test
  void noMatchingWorkerFailsTheStep() {
    begin(execute("one", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of()));
    assertEquals("no worker matches targets [all]", state.stepState(0).error());
  }

  @Test
  void dispatchFailureFailsThatTargetAndClosesTheCommand() {
    begin(execute("one", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    Decision decision = on(new Event.DispatchFailed("c1", "The worker id1 is not running"));
    assertEquals(List.of(new Action.CloseCommand("c1", "The worker id1 is not running")),
        decision.actions(Action.CloseCommand.class));
    assertEquals(ExecutionStatus.FAILED, state.status());
  }

  @Test
  void duplicateOrUnknownResultChangesNothing() {
    begin(execute("one", null, false), execute("two", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1, WEB2)));
    on(new Event.CommandFinished("c1", ok("first")));
    assertFalse(on(new Event.CommandFinished("c1", exit(9))).changed());
    assertFalse(on(new Event.CommandFinished("zzz", ok(""))).changed());
    assertEquals(TargetStatus.COMPLETED, state.stepState(0).targets().get(0).status());
    assertEquals("first", state.stepState(0).targets().get(0).outcome().stdout());
  }

  @Test
  void lostWorkerFailsItsRunningTarget() {
    begin(execute("one", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1, WEB2)));
    assertFalse(on(new Event.WorkerLost("other", "offline")).changed());
    Decision lost = on(new Event.WorkerLost("id2", "offline"));
    assertEquals(List.of(new Action.CloseCommand("c2", "worker_lost")), lost.actions(Action.CloseCommand.class));
    assertEquals("worker_lost", state.stepState(0).targets().get(1).outcome().error());
    on(new Event.CommandFinished("c1", ok("")));
    assertEquals(ExecutionStatus.FAILED, state.status());
  }

  @Test
  void silentCommandFailsAtItsBackstopDeadline() {
    begin(execute("one", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    assertEquals(now + 5_000 + GRACE, Decider.nextWakeUp(state).getAsLong());
    now += 5_000;
    assertFalse(on(new Event.Tick()).changed());
    now += GRACE;
    Decision expired = on(new Event.Tick());
    assertEquals(List.of(new Action.CancelCommand("id1", "c1")), expired.actions(Action.CancelCommand.class));
    assertEquals(1, expired.actions(Action.CloseCommand.class).size());
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertTrue(Decider.nextWakeUp(state).isEmpty());
  }

  @Test
  void promptPausesUntilAnsweredWithAnOption() {
    begin(prompt("ask"), execute("after", null, false));
    Decision started = on(new Event.Start());
    assertEquals(ExecutionStatus.WAITING_FOR_INPUT, state.status());
    assertTrue(published(started).contains("execution_prompt:"));
    Map<String, Object> body = started.actions(Action.Publish.class).stream()
        .filter(p -> p.body().get("type").equals("execution_prompt")).findFirst().orElseThrow().body();
    assertEquals(Map.of("message", "Proceed?", "options", List.of("Yes", "No"), "step", 0, "name", "ask"),
        body.get("prompt"));

    Rejected invalid = assertThrows(Rejected.class, () -> on(new Event.PromptAnswered("Maybe", "bob")));
    assertEquals(Rejected.Kind.INVALID, invalid.kind());
    assertEquals("The response must be one of: Yes, No", invalid.getMessage());

    now += 500;
    on(new Event.PromptAnswered("Yes", "bob"));
    assertEquals(ExecutionStatus.RUNNING, state.status());
    assertEquals("Yes", state.promptResponse());
    assertEquals("bob", state.stepState(0).respondedBy());
    assertEquals(now, state.prompts().get(0).respondedAt());

    Rejected conflict = assertThrows(Rejected.class, () -> on(new Event.PromptAnswered("Yes", "bob")));
    assertEquals(Rejected.Kind.CONFLICT, conflict.kind());
  }

  @Test
  void waitStartsATimerAndEndsWhenItFires() {
    begin(waitStep("pause", 3_000), execute("after", null, false));
    Decision started = on(new Event.Start());
    assertEquals(List.of(new Action.StartTimer(now + 3_000)), started.actions(Action.StartTimer.class));
    assertEquals(now + 3_000, Decider.nextWakeUp(state).getAsLong());
    now += 2_999;
    assertFalse(on(new Event.Tick()).changed());
    now += 1;
    Decision woke = on(new Event.Tick());
    assertEquals(StepStatus.COMPLETED, state.stepState(0).status());
    assertEquals(1, woke.actions(Action.ResolveTargets.class).size());
  }

  @Test
  void cancelStopsInFlightCommandsAndEndsTheExecution() {
    begin(execute("one", null, false), execute("two", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1, WEB2)));
    on(new Event.CommandFinished("c1", ok("")));
    Decision cancelled = on(new Event.CancelRequested("carol"));
    assertEquals(List.of(new Action.CancelCommand("id2", "c2")), cancelled.actions(Action.CancelCommand.class));
    assertEquals(List.of(new Action.CloseCommand("c2", "cancelled")), cancelled.actions(Action.CloseCommand.class));
    assertEquals(ExecutionStatus.CANCELLED, state.status());
    assertEquals("cancelled by carol", state.error());
    assertEquals(StepStatus.FAILED, state.stepState(0).status());
    assertTrue(published(cancelled).contains("execution_status:cancelled"));
    assertFalse(on(new Event.CommandFinished("c2", ok(""))).changed());
    Rejected again = assertThrows(Rejected.class, () -> on(new Event.CancelRequested("carol")));
    assertEquals(Rejected.Kind.CONFLICT, again.kind());
  }

  @Test
  void cancelWhileWaitingForInputClosesThePrompt() {
    begin(prompt("ask"));
    on(new Event.Start());
    on(new Event.CancelRequested("carol"));
    assertEquals(ExecutionStatus.CANCELLED, state.status());
    assertThrows(Rejected.class, () -> on(new Event.PromptAnswered("Yes", "bob")));
  }

  @Test
  void resumeStartsAPendingExecution() {
    begin(execute("one", null, false));
    on(new Event.Resume("node-b"));
    assertEquals(ExecutionStatus.RUNNING, state.status());
  }

  @Test
  void resumeResolvesAgainWhenNoCommandWasRecorded() {
    begin(execute("one", null, false));
    on(new Event.Start());
    Decision resumed = on(new Event.Resume("node-b"));
    assertEquals(List.of(new Action.ResolveTargets(0, List.of("all"))), resumed.actions(Action.ResolveTargets.class));
  }

  @Test
  void resumeNeverDispatchesAgain() {
    begin(execute("one", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    Decision resumed = on(new Event.Resume("node-b"));
    assertTrue(resumed.actions(Action.Dispatch.class).isEmpty());
    assertTrue(resumed.actions(Action.ResolveTargets.class).isEmpty());
    on(new Event.CommandFinished("c1", ok("")));
    assertEquals(ExecutionStatus.COMPLETED, state.status());
  }

  @Test
  void resumeContinuesAWaitWithTheTimeLeft() {
    begin(waitStep("pause", 10_000));
    on(new Event.Start());
    long wake = now + 10_000;
    now += 4_000;
    Decision resumed = on(new Event.Resume("node-b"));
    assertEquals(List.of(new Action.StartTimer(wake)), resumed.actions(Action.StartTimer.class));
    now += 7_000;
    on(new Event.Resume("node-c"));
    assertEquals(ExecutionStatus.COMPLETED, state.status());
  }

  @Test
  void resumeKeepsAPromptPending() {
    begin(prompt("ask"));
    on(new Event.Start());
    Decision resumed = on(new Event.Resume("node-b"));
    assertEquals(ExecutionStatus.WAITING_FOR_INPUT, state.status());
    assertTrue(resumed.actions().isEmpty());
    assertNull(state.promptResponse());
  }

  @Test
  void longOutputIsCappedInTheState() {
    begin(execute("one", null, false));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    on(new Event.CommandFinished("c1", ok("x".repeat(Texts.STATE_OUTPUT_CAP + 10))));
    String kept = state.stepState(0).targets().get(0).outcome().stdout();
    assertTrue(kept.startsWith("[10 characters cut]"));
  }
}
