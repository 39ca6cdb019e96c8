package dev.pulse.engine.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.decide.Event.Worker;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import dev.pulse.engine.model.RetryPolicy;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepStatus;
import dev.pulse.engine.model.StepType;
import dev.pulse.engine.model.TargetStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Step retries: only failed targets, exponential backoff capped, attempts counted, cancel ends the wait. */
class RetryDeciderTest {

  private static final Worker WEB1 = new Worker("id1", "web-01", "online");
  private static final Worker WEB2 = new Worker("id2", "web-02", "online");
  private final AtomicInteger ids = new AtomicInteger();
  private final Decider decider = new Decider(new RhinoConditions(100), () -> "c" + ids.incrementAndGet(), 1_000);
  private long now = 1_000_000;
  private ExecutionState state;

  private void begin(RetryPolicy retry) {
    state = new ExecutionState("e1", "w1", "wf", "alice", Map.of(), List.of(new Step(0, "flaky", StepType.EXECUTE,
        List.of("all"), "run flaky", null, 5_000, null, null, 0, false, retry, null, false, null)));
    on(new Event.Start());
  }

  private Decision on(Event event) {
    Decision decision = decider.decide(state, event, now);
    state = decision.state();
    return decision;
  }

  private static CommandOutcome ok() {
    return new CommandOutcome(true, 0, "ok", "", 5, false, null);
  }

  private static CommandOutcome exit(int code) {
    return new CommandOutcome(false, code, "", "boom", 5, false, null);
  }

  @Test
  void onlyTheFailedTargetIsRetriedAfterItsBackoffAndTheStepThenCompletes() {
    begin(new RetryPolicy(3, 2_000, 2.0, 60_000));
    on(new Event.TargetsResolved(0, List.of(WEB1, WEB2)));
    on(new Event.CommandFinished("c1", ok()));
    Decision failed = on(new Event.CommandFinished("c2", exit(1)));

    assertEquals(StepStatus.RUNNING, state.stepState(0).status(), "the step waits for the retry");
    assertEquals(TargetStatus.RETRYING, state.stepState(0).targets().get(1).status());
    assertEquals(now + 2_000, Decider.nextWakeUp(state).getAsLong());
    assertTrue(failed.logs().stream().anyMatch(l -> l.event().equals("target_retry_scheduled")
        && l.message().contains("attempt 2 of 3 in 2000 ms")), failed.logs().toString());
    assertTrue(on(new Event.Tick()).actions(Action.Dispatch.class).isEmpty(), "nothing before the backoff");

    now += 2_000;
    Decision retried = on(new Event.Tick());
    assertEquals(List.of(new Action.Dispatch(0, "c3", "id2", "web-02", "run flaky", 5_000)),
        retried.actions(Action.Dispatch.class), "only web-02 again, under a new command id");
    assertEquals(2, state.stepState(0).targets().get(1).attempt());
    assertEquals(1, state.stepState(0).targets().get(0).attempt());

    on(new Event.CommandFinished("c3", ok()));
    assertEquals(StepStatus.COMPLETED, state.stepState(0).status());
    assertEquals(ExecutionStatus.COMPLETED, state.status());
  }

  @Test
  void backoffGrowsByItsCoefficientUpToTheCapAndTheLastFailureFailsTheStep() {
    begin(new RetryPolicy(4, 1_000, 3.0, 5_000));
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    long[] expected = {1_000, 3_000, 5_000};
    for (int attempt = 1; attempt <= 3; attempt++) {
      on(new Event.CommandFinished("c" + ids.get(), exit(7)));
      assertEquals(now + expected[attempt - 1], state.stepState(0).targets().get(0).retryAt(), "before attempt "
          + (attempt + 1));
      now = state.stepState(0).targets().get(0).retryAt();
      on(new Event.Tick());
    }
    assertEquals(4, state.stepState(0).targets().get(0).attempt());
    on(new Event.CommandFinished("c" + ids.get(), exit(7)));
    assertEquals(StepStatus.FAILED, state.stepState(0).status());
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertEquals("failed on 1 of 1 worker(s): web-01 (exit code 7)", state.stepState(0).error());
    assertEquals(4, ids.get(), "four attempts, four commands");
  }

  @Test
  void cancellingWhileATargetWaitsForItsRetryEndsIt() {
    begin(new RetryPolicy(5, 10_000, 2.0, 60_000));
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    on(new Event.CommandFinished("c1", exit(1)));
    Decision cancelled = on(new Event.CancelRequested("bob"));
    assertEquals(ExecutionStatus.CANCELLED, state.status());
    assertEquals(TargetStatus.FAILED, state.stepState(0).targets().get(0).status());
    assertTrue(cancelled.actions(Action.Dispatch.class).isEmpty());
    assertTrue(Decider.nextWakeUp(state).isEmpty());
  }

  @Test
  void withoutARetryPolicyAFailureEndsTheTargetAtOnce() {
    begin(null);
    on(new Event.TargetsResolved(0, List.of(WEB1)));
    on(new Event.CommandFinished("c1", exit(1)));
    assertEquals(ExecutionStatus.FAILED, state.status());
  }
}
