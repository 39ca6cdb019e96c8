package dev.pulse.engine.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.decide.Event.Worker;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepStatus;
import dev.pulse.engine.model.StepType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Resuming a failed execution re-runs the failed step and goes on; the steps before keep their results. */
class ResumeDeciderTest {

  private static final Worker WEB1 = new Worker("id1", "web-01", "online");
  private final AtomicInteger ids = new AtomicInteger();
  private final Decider decider = new Decider(new RhinoConditions(100), () -> "c" + ids.incrementAndGet(), 1_000);
  private ExecutionState state;

  private static Step execute(int index, String name) {
    return new Step(index, name, StepType.EXECUTE, List.of("all"), "run " + name, null, 5_000, null, null, 0, false,
        null, null, false, null);
  }

  private Decision on(Event event) {
    Decision decision = decider.decide(state, event, 1_000_000);
    state = decision.state();
    return decision;
  }

  private static CommandOutcome outcome(boolean ok) {
    return new CommandOutcome(ok, ok ? 0 : 2, ok ? "fine" : "", ok ? "" : "boom", 5, false, null);
  }

  @Test
  void aFailedExecutionResumesFromTheFailedStepAndCompletes() {
    state = new ExecutionState("e1", "w1", "wf", "alice", Map.of(), List.of(execute(0, "one"), execute(1, "two"),
        execute(2, "three")));
    on(new Event.Start());
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    on(new Event.CommandFinished("c1", outcome(true)));
    on(new Event.TargetsResolved(1, List.of(WEB1)));
    on(new Event.CommandFinished("c2", outcome(false)));
    assertEquals(ExecutionStatus.FAILED, state.status());

    Decision resumed = on(new Event.ResumeRequested("bob"));
    assertEquals(ExecutionStatus.RUNNING, state.status());
    assertNull(state.error());
    assertNull(state.completedAt());
    assertEquals(1, state.current());
    assertEquals(StepStatus.COMPLETED, state.stepState(0).status(), "the step before keeps its result");
    assertEquals("fine", state.stepState(0).targets().get(0).outcome().stdout());
    assertEquals(List.of(new Action.ResolveTargets(1, List.of("all"))), resumed.actions(Action.ResolveTargets.class));
    assertEquals("execution_resumed", resumed.logs().get(0).event());

    on(new Event.TargetsResolved(1, List.of(WEB1)));
    on(new Event.CommandFinished("c3", outcome(true)));
    on(new Event.TargetsResolved(2, List.of(WEB1)));
    on(new Event.CommandFinished("c4", outcome(true)));
    assertEquals(ExecutionStatus.COMPLETED, state.status());
  }

  @Test
  void onlyAFailedExecutionCanBeResumed() {
    state = new ExecutionState("e1", "w1", "wf", "alice", Map.of(), List.of(execute(0, "one")));
    on(new Event.Start());
    Rejected running = assertThrows(Rejected.class, () -> on(new Event.ResumeRequested("bob")));
    assertEquals("Execution e1 is running; only a failed execution can be resumed", running.getMessage());
    on(new Event.CancelRequested("carol"));
    assertEquals(Rejected.Kind.CONFLICT, assertThrows(Rejected.class, () -> on(new Event.ResumeRequested("bob")))
        .kind());
  }
}
