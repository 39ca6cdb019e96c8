package dev.pulse.engine.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.decide.Event;
import dev.pulse.engine.definition.StepParser;
import dev.pulse.engine.model.CommandOutcome;
import dev.pulse.engine.model.ExecutionState;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which decisions are taken on the event loop and which on a worker thread. */
class LightDecisionTest {

  private static final String PLAIN = "{\"steps\":[{\"type\":\"execute\",\"targets\":[\"web\"],\"command\":\"true\"},"
      + "{\"type\":\"execute\",\"targets\":[\"web\"],\"command\":\"true\"}]}";

  @Test
  void aFewSmallResultsOfAScriptlessExecutionAreLight() {
    assertTrue(Driver.light(state(PLAIN), List.of(finished("ok\n"), new Event.Tick())));
    assertTrue(Driver.light(state(PLAIN), List.of(new Event.TargetsResolved(0, workers(8)))));
    assertTrue(Driver.light(state(PLAIN), List.of(new Event.WorkerLost("w-1", "offline"),
        new Event.DispatchFailed("c-1", "refused"))));
  }

  @Test
  void aConditionOrOutputReadAsJsonSendsEveryDecisionToAWorkerThread() {
    assertFalse(Driver.light(state("{\"steps\":[{\"type\":\"execute\",\"targets\":[\"web\"],\"command\":\"true\","
        + "\"condition\":\"vars.x == '1'\"}]}"), List.of(finished("ok"))));
    assertFalse(Driver.light(state("{\"steps\":[{\"type\":\"execute\",\"targets\":[\"web\"],\"command\":\"cat v\","
        + "\"output\":{\"name\":\"v\",\"json\":\"release.version\"}}]}"), List.of(finished("{}"))));
  }

  @Test
  void manyEventsLargeOutputAWideFanOutOrOtherKindsAreNotLight() {
    assertFalse(Driver.light(state(PLAIN), Collections.nCopies(9, finished("ok"))));
    assertFalse(Driver.light(state(PLAIN), List.of(finished("x".repeat(70_000)))));
    assertFalse(Driver.light(state(PLAIN), List.of(new Event.TargetsResolved(0, workers(200)))));
    assertFalse(Driver.light(state(PLAIN), List.of(new Event.PromptAnswered("Yes", "bob", List.of()))));
    assertFalse(Driver.light(state(PLAIN), List.of(new Event.Start())));
  }

  private static ExecutionState state(String definition) {
    return new ExecutionState("e-1", "wf-1", "wf", "bob", Map.of(), StepParser.steps(new JsonObject(definition)));
  }

  private static Event finished(String stdout) {
    return new Event.CommandFinished("c-1", new CommandOutcome(true, 0, stdout, "", 3, false, null));
  }

  private static List<Event.Worker> workers(int count) {
    List<Event.Worker> workers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      workers.add(new Event.Worker("id-" + i, "web-" + i, "online"));
    }
    return workers;
  }
}
