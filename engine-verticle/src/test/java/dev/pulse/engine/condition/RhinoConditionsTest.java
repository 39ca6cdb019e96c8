package dev.pulse.engine.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.decide.ConditionEvaluator.Outcome;
import dev.pulse.engine.decide.NamedList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RhinoConditionsTest {

  private final RhinoConditions conditions = new RhinoConditions(RhinoConditions.DEFAULT_BUDGET_MS);

  private static Map<String, Object> state() {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("worker_name", "web-01");
    result.put("exit_code", 0);
    result.put("stdout", "Reading package lists... 3 upgraded");
    result.put("stderr", "");
    result.put("success", true);
    NamedList results = new NamedList();
    results.add("web-01", result);
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("name", "Update package list");
    step.put("status", "completed");
    step.put("results", results);
    NamedList steps = new NamedList();
    steps.add("Update package list", step);
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("steps", steps);
    state.put("promptResponse", "Yes");
    state.put("prompts", List.of(Map.of("response", "Yes", "responded_by", "alice")));
    state.put("params", Map.of("env", "prod", "count", 3));
    return state;
  }

  private boolean truth(String expression, String promptResponse) {
    Outcome outcome = conditions.evaluate(expression, state(), promptResponse);
    assertNull(outcome.error(), () -> expression + " failed: " + outcome.error());
    return outcome.value();
  }

  @ParameterizedTest(name = "{0} with promptResponse={1} is {2}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "promptResponse === 'Yes'                        | Yes  | true",
      "promptResponse === 'Yes'                        | No   | false",
      "promptResponse === 'Yes'                        | NULL | false",
      "promptResponse !== 'No'                         | Yes  | true",
      "promptResponse !== 'No'                         | No   | false",
      "promptResponse === 'Yes' && state.steps[0].status === 'completed' | Yes | true",
      "promptResponse === 'No' || state.params.env === 'prod' | Yes | true",
      "!(promptResponse === 'Yes')                     | Yes  | false",
      "state.params.count > 2                          | NULL | true",
      "state.params.count >= 4                         | NULL | false",
      "state.params.count <= 3 && state.params.count < 4 | NULL | true",
      "state.params.count == '3'                       | NULL | true",
      "promptResponse ? promptResponse === 'Yes' : false | NULL | false",
      "promptResponse ? promptResponse === 'Yes' : false | Yes  | true",
      "['Yes', 'Maybe'].includes(promptResponse)       | Maybe | true",
      "state.steps[0].results[0].stdout.includes('upgraded') | NULL | true",
      "state.steps['Update package list'].results['web-01'].exit_code === 0 | NULL | true",
      "state.steps['Update package list'].results['web-01'].success | NULL | true",
      "state.steps[0].results.every(r => r.success)    | NULL | true",
      "state.steps[0] === state.steps['Update package list'] | NULL | true",
      "state.prompts[0].responded_by === 'alice'       | NULL | true",
      "state.promptResponse === 'Yes'                  | NULL | true",
      "state.steps.length === 1                        | NULL | true",
      "''                                              | NULL | false",
      "0                                               | NULL | false",
      "\"non-empty\"                                   | NULL | true",
      "undefined                                       | NULL | false"})
  void conditionTruthTable(String expression, String promptResponse, boolean expected) {
    assertEquals(expected, truth(expression, promptResponse));
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(strings = {
      "java.lang.System.exit(1)",
      "Packages.java.io.File",
      "this.constructor.constructor('return this')()",
      "(function(){}).constructor('return 1')()",
      "Function('return 1')()",
      "eval('1')",
      "(function*(){}).constructor('yield 1')().next().value === 1",
      "getClass",
      "JavaImporter",
      "java.io.File"})
  void sandboxEscapeIsRefused(String expression) {
    Outcome outcome = conditions.evaluate(expression, state(), null);
    assertTrue(outcome.failed(), () -> expression + " was allowed and gave " + outcome.value());
  }

  @Test
  void infiniteLoopIsStoppedWithinBudget() {
    long began = System.nanoTime();
    Outcome outcome = conditions.evaluate("while (true) {}", state(), null);
    long tookMs = (System.nanoTime() - began) / 1_000_000;
    assertTrue(outcome.failed());
    assertTrue(outcome.error().contains("budget"), outcome.error());
    assertTrue(tookMs < 2_000, "took " + tookMs + " ms");
  }

  @Test
  void infiniteLoopCannotCatchItsOwnStop() {
    Outcome outcome = conditions.evaluate("for (;;) { try { while (true) {} } catch (e) {} }", state(), null);
    assertTrue(outcome.failed());
    assertTrue(outcome.error().contains("budget"), outcome.error());
  }

  @Test
  void unboundedRecursionFails() {
    Outcome outcome = conditions.evaluate("(function f() { return f(); })()", state(), null);
    assertTrue(outcome.failed());
  }

  @Test
  void throwingConditionReportsItsMessage() {
    Outcome outcome = conditions.evaluate("state.nothing.here", state(), null);
    assertTrue(outcome.failed());
    assertTrue(outcome.error().contains("Cannot read property \"here\""), outcome.error());
  }

  @Test
  void conditionCannotLeaveAnythingForTheNext() {
    conditions.evaluate("Object.prototype.hacked = true; Array.prototype.includes = () => true", state(), null);
    assertFalse(truth("({}).hacked === true", null));
    assertFalse(truth("[].includes(1)", null));
  }

  @Test
  void parseCheckAcceptsValidAndNamesTheProblem() {
    assertNull(conditions.parseError("promptResponse === 'Yes'"));
    assertNull(conditions.parseError("while (true) {}"));
    String problem = conditions.parseError("promptResponse === ");
    assertNotNull(problem);
    assertTrue(problem.contains("line 1"), problem);
  }

  @Test
  void parseCheckDoesNotRunTheCode() {
    assertNull(conditions.parseError("while (true) {}"));
  }
}
