package dev.pulse.engine.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.decide.Event.Worker;
import dev.pulse.engine.definition.StepParser;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.StepStatus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** onFailure steps run only after a failure, then the execution ends failed with the original reason. */
class OnFailureDeciderTest {

  private static final Worker WEB1 = new Worker("id1", "web-01", "online");
  private static final JsonObject DEFINITION = new JsonObject("""
      {"steps":[
        {"name":"Deploy","type":"execute","targets":["all"],"command":"deploy"},
        {"name":"Verify","type":"execute","targets":["all"],"command":"verify"}],
       "onFailure":[
        {"name":"Roll back","type":"execute","targets":["all"],"command":"rollback"}]}""");
  private final AtomicInteger ids = new AtomicInteger();
  private final Decider decider = new Decider(new RhinoConditions(100), () -> "c" + ids.incrementAndGet(), 1_000);
  private ExecutionState state = new ExecutionState("e1", "w1", "wf", "alice", Map.of(),
      StepParser.steps(DEFINITION));

  private Decision on(Event event) {
    Decision decision = decider.decide(state, event, 1_000_000);
    state = decision.state();
    return decision;
  }

  private static CommandOutcome outcome(boolean ok) {
    return new CommandOutcome(ok, ok ? 0 : 2, "", ok ? "" : "boom", 5, false, null);
  }

  @Test
  void aSuccessfulRunNeverTouchesTheOnFailureSteps() {
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    on(new Event.CommandFinished("c1", outcome(true)));
    on(new Event.TargetsResolved(1, List.of(WEB1)));
    on(new Event.CommandFinished("c2", outcome(true)));
    assertEquals(ExecutionStatus.COMPLETED, state.status());
    assertEquals(StepStatus.PENDING, state.stepState(2).status());
  }

  @Test
  void aFailureRunsTheRollbackThenEndsFailedWithTheOriginalReason() {
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    Decision failed = on(new Event.CommandFinished("c1", outcome(false)));
    assertEquals(ExecutionStatus.RUNNING, state.status(), "still running: the rollback runs");
    assertEquals(List.of(new Action.ResolveTargets(2, List.of("all"))), failed.actions(Action.ResolveTargets.class));
    assertTrue(failed.logs().stream().anyMatch(l -> l.event().equals("on_failure_started")));
    assertEquals(StepStatus.PENDING, state.stepState(1).status(), "Verify never ran");

    on(new Event.TargetsResolved(2, List.of(WEB1)));
    Decision done = on(new Event.CommandFinished("c2", outcome(true)));
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertEquals("Step 'Deploy' failed: failed on 1 of 1 worker(s): web-01 (exit code 2)", state.error());
    assertEquals(StepStatus.COMPLETED, state.stepState(2).status());
    assertTrue(done.logs().stream().anyMatch(l -> l.event().equals("on_failure_finished")));

    on(new Event.ResumeRequested("bob"));
    assertEquals(0, state.current(), "a resume starts again from the failed main step");
    assertEquals(StepStatus.PENDING, state.stepState(2).status(), "and the rollback is ready to run again");
  }

  @Test
  void aFailingRollbackIsReportedWithTheOriginalFailure() {
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    on(new Event.CommandFinished("c1", outcome(true)));
    on(new Event.TargetsResolved(1, List.of(WEB1)));
    on(new Event.CommandFinished("c2", outcome(false)));
    on(new Event.TargetsResolved(2, List.of(WEB1)));
    on(new Event.CommandFinished("c3", outcome(false)));
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertEquals("Step 'Verify' failed: failed on 1 of 1 worker(s): web-01 (exit code 2); then onFailure step"
        + " 'Roll back' failed: failed on 1 of 1 worker(s): web-01 (exit code 2)", state.error());
  }
}
