package dev.pulse.engine.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.decide.Event.Worker;
import dev.pulse.engine.definition.StepParser;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.engine.model.ExecutionStatus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code output: {name, json}} keeps one field of the JSON a command printed. */
class OutputFieldDeciderTest {

  private static final Worker WEB1 = new Worker("id1", "web-01", "online");
  private final AtomicInteger ids = new AtomicInteger();
  private final Decider decider = new Decider(new RhinoConditions(100), () -> "c" + ids.incrementAndGet(), 1_000);
  private ExecutionState state;

  private ExecutionState run(String json, String stdout) {
    ids.set(0);
    state = new ExecutionState("e1", "w1", "wf", "alice", Map.of(), StepParser.steps(new JsonObject(
        "{\"steps\":[{\"type\":\"execute\",\"targets\":[\"all\"],\"command\":\"release-info\","
            + "\"output\":{\"name\":\"v\",\"json\":\"" + json + "\"}}]}")));
    state = decider.decide(state, new Event.Start(), 1).state();
    state = decider.decide(state, new Event.TargetsResolved(0, List.of(WEB1)), 2).state();
    return state = decider.decide(state, new Event.CommandFinished("c1",
        new CommandOutcome(true, 0, stdout, "", 5, false, null)), 3).state();
  }

  @Test
  void aNestedFieldOrArrayItemIsKept() {
    assertEquals("1.4.2", run("release.version", "{\"release\":{\"version\":\"1.4.2\"}}\n").vars().get("v"));
    assertEquals("7", run("items.1.id", "{\"items\":[{\"id\":3},{\"id\":7}]}").vars().get("v"));
    assertEquals("{\"a\":1}", run("obj", "{\"obj\":{\"a\":1}}").vars().get("v"), "an object is kept as JSON");
    assertEquals(ExecutionStatus.COMPLETED, state.status());
  }

  @Test
  void outputThatIsNotJsonOrLacksTheFieldFailsTheStepSayingWhy() {
    run("release.version", "not json");
    assertEquals(ExecutionStatus.FAILED, state.status());
    assertEquals("Step 'Step 1' failed: output 'v' from web-01: its output is not JSON", state.error());
    run("release.version", "{\"release\":{}}");
    assertEquals("Step 'Step 1' failed: output 'v' from web-01: its JSON has no field release.version",
        state.error());
  }
}
