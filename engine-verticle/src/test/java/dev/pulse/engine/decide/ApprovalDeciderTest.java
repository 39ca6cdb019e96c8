package dev.pulse.engine.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.definition.StepParser;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prompts with named approvers, a quorum, no self-approval and a timeout with a default answer. */
class ApprovalDeciderTest {

  private static final JsonObject DEFINITION = new JsonObject("""
      {"params":{"release":{"type":"string"}},
       "steps":[{"name":"Approve","type":"prompt","message":"Ship ${params.release}?","options":["Yes","No"],
        "approvers":{"groups":["release-managers"],"users":["root"]},"required":2,"excludeStarter":true,
        "timeout":60000,"defaultOption":"No"}]}""");
  private final Decider decider = new Decider(new RhinoConditions(100), () -> "c1", 1_000);
  private long now = 1_000_000;
  private ExecutionState state = new ExecutionState("e1", "w1", "wf", "alice", Map.of("release", "2.0"),
      StepParser.steps(DEFINITION));

  private Decision on(Event event) {
    Decision decision = decider.decide(state, event, now);
    state = decision.state();
    return decision;
  }

  private Rejected refused(String by, List<String> groups) {
    return assertThrows(Rejected.class, () -> on(new Event.PromptAnswered("Yes", by, groups)));
  }

  @Test
  void twoApproversMustAgreeAndNeitherTheStarterNorOutsidersCount() {
    Decision opened = on(new Event.Start());
    assertEquals(ExecutionStatus.WAITING_FOR_INPUT, state.status());
    assertTrue(opened.logs().stream().anyMatch(l -> l.message().contains("Ship 2.0?")), "context in the message");

    Rejected starter = refused("alice", List.of("release-managers"));
    assertEquals(Rejected.Kind.FORBIDDEN, starter.kind());
    assertEquals("'alice' may not answer this prompt: the person who started the execution may not answer it",
        starter.getMessage());
    assertEquals("'eve' may not answer this prompt: it is for groups release-managers and users root",
        refused("eve", List.of("employee")).getMessage());

    on(new Event.PromptAnswered("Yes", "bob", List.of("release-managers")));
    assertEquals(ExecutionStatus.WAITING_FOR_INPUT, state.status(), "one of two");
    assertEquals(Rejected.Kind.CONFLICT, refused("bob", List.of("release-managers")).kind());
    on(new Event.PromptAnswered("No", "carol", List.of("release-managers")));
    assertEquals(ExecutionStatus.WAITING_FOR_INPUT, state.status(), "a different answer does not make a quorum");
    on(new Event.PromptAnswered("Yes", "root", List.of()));
    assertEquals(ExecutionStatus.COMPLETED, state.status());
    assertEquals("Yes", state.promptResponse());
    assertEquals("bob, root", state.prompts().get(0).respondedBy());
  }

  @Test
  void anUnansweredPromptTakesItsDefaultWhenItsTimeRunsOut() {
    on(new Event.Start());
    assertEquals(now + 60_000, Decider.nextWakeUp(state).getAsLong());
    now += 60_000;
    Decision timedOut = on(new Event.Tick());
    assertEquals(ExecutionStatus.COMPLETED, state.status());
    assertEquals("No", state.promptResponse());
    assertEquals("timeout", state.prompts().get(0).respondedBy());
    assertTrue(timedOut.logs().stream().anyMatch(l -> l.event().equals("prompt_timed_out")));
  }
}
