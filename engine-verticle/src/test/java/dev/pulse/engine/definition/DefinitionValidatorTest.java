package dev.pulse.engine.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.PulseException;
import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.model.Step;
import dev.pulse.engine.model.StepType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DefinitionValidatorTest {

  private final DefinitionValidator validator =
      new DefinitionValidator(new RhinoConditions(RhinoConditions.DEFAULT_BUDGET_MS)::parseError);

  private static JsonObject definition(JsonObject... steps) {
    return new JsonObject().put("steps", new JsonArray(List.of((Object[]) steps)));
  }

  private static JsonObject execute() {
    return new JsonObject().put("name", "Run").put("type", "execute").put("targets", new JsonArray().add("all"))
        .put("command", "uptime");
  }

  private Map<String, String> problems(Object name, Object definition) {
    return validator.problems(name, definition).stream()
        .collect(Collectors.toMap(Problem::path, Problem::message, (a, b) -> a + " | " + b));
  }

  @Test
  void specExampleIsValid() {
    JsonObject example = new JsonObject("""
        {"steps":[
         {"name":"Update package list","type":"execute","targets":["all"],"command":"apt update"},
         {"name":"User approval","type":"prompt","message":"Packages updated. Proceed with upgrade?","options":["Yes","No"]},
         {"name":"Upgrade packages","type":"execute","targets":["all"],"command":"apt upgrade -y","condition":"promptResponse === 'Yes'"},
         {"name":"Reboot confirmation","type":"prompt","message":"Upgrade complete. Reboot servers?","options":["Yes","No"]},
         {"name":"Reboot servers","type":"execute","targets":["all"],"command":"reboot","condition":"promptResponse === 'Yes'"}]}""");
    assertEquals(Map.of(), problems("Interactive update", example));
  }

  @Test
  void retryIsCheckedFieldByField() {
    JsonObject good = execute().put("retry", new JsonObject().put("maxAttempts", 3).put("initialInterval", 500)
        .put("backoffCoefficient", 2).put("maxInterval", 10_000));
    assertEquals(Map.of(), problems("w", definition(good)));
    assertEquals(Map.of(), problems("w", definition(execute().put("retry", new JsonObject().put("maxAttempts", 2)))));
    Map<String, String> found = problems("w", definition(
        execute().put("retry", new JsonObject().put("initialInterval", -1).put("backoffCoefficient", 0.5)
            .put("maxInterval", "soon").put("tries", 3)),
        execute().put("retry", new JsonObject().put("maxAttempts", 0).put("initialInterval", 5_000)
            .put("maxInterval", 1_000)),
        execute().put("retry", "3 times"),
        new JsonObject().put("type", "wait").put("duration", 10).put("retry", new JsonObject().put("maxAttempts", 2))));
    assertEquals("maxAttempts is required: the number of attempts in all, 1 to 100",
        found.get("steps[0].retry.maxAttempts"));
    assertEquals("initialInterval must not be negative", found.get("steps[0].retry.initialInterval"));
    assertEquals("backoffCoefficient must be a number from 1 to 100", found.get("steps[0].retry.backoffCoefficient"));
    assertEquals("maxInterval must be a whole number of milliseconds", found.get("steps[0].retry.maxInterval"));
    assertTrue(found.get("steps[0].retry.tries").startsWith("unknown field 'tries'"));
    assertTrue(found.containsKey("steps[1].retry.maxAttempts"));
    assertEquals("maxInterval must not be less than initialInterval", found.get("steps[1].retry.maxInterval"));
    assertTrue(found.get("steps[2].retry").startsWith("retry must be an object"));
    assertEquals("retry applies to execute steps only", found.get("steps[3].retry"));
  }

  @Test
  void paramsOutputsAndReferencesAreChecked() {
    JsonObject good = definition(execute().put("command", "deploy ${params.version}").put("output", "release"),
        execute().put("command", "echo ${vars.release} ${params.version}"))
        .put("params", new JsonObject().put("version", new JsonObject().put("type", "string").put("required", true)));
    assertEquals(Map.of(), problems("w", good));
    Map<String, String> found = problems("w", definition(
        execute().put("command", "echo ${vars.later} ${params.nope}").put("output", "1bad"),
        execute().put("output", "later"),
        execute().put("output", "later"),
        new JsonObject().put("type", "wait").put("duration", 1).put("output", "x"))
        .put("params", new JsonObject().put("n", new JsonObject().put("type", "integer"))
            .put("flag", new JsonObject().put("type", "boolean").put("default", "yes")).put("9x", new JsonObject())));
    assertEquals("${vars.later} refers to no output of an earlier step | ${params.nope} refers to no declared"
        + " parameter", found.get("steps[0].command"));
    assertEquals("output must be a name (letters, digits and _) or {name, json}", found.get("steps[0].output"));
    assertEquals("output 'later' is already set by an earlier step", found.get("steps[2].output"));
    assertEquals("output applies to execute steps only", found.get("steps[3].output"));
    assertEquals("type must be string, number or boolean", found.get("params.n.type"));
    assertEquals("default must be a boolean", found.get("params.flag.default"));
    assertTrue(found.containsKey("params.9x"));
  }

  @Test
  void onFailureStepsAreValidatedWithTheirOwnPaths() {
    assertEquals(Map.of(), problems("w", definition(execute()).put("onFailure", new JsonArray().add(execute()))));
    assertTrue(problems("w", definition(execute()).put("onFailure", new JsonArray())).get("onFailure")
        .startsWith("onFailure must be a non-empty array"));
    assertEquals("command is required", problems("w", definition(execute()).put("onFailure",
        new JsonArray().add(execute().put("command", " ")))).get("onFailure[0].command"));
  }

  @Test
  void approvalFieldsAreChecked() {
    JsonObject prompt = new JsonObject().put("type", "prompt").put("message", "Go?")
        .put("options", new JsonArray().add("Yes").add("No"));
    assertEquals(Map.of(), problems("w", definition(prompt.copy().put("approvers", new JsonObject()
        .put("groups", new JsonArray().add("ops"))).put("required", 2).put("excludeStarter", true)
        .put("timeout", 1000).put("defaultOption", "No"))));
    Map<String, String> found = problems("w", definition(prompt.copy().put("approvers", new JsonObject()
        .put("teams", new JsonArray())).put("required", 0).put("excludeStarter", "yes").put("defaultOption", "Maybe")
        .put("message", "Ship ${vars.nothing}?")));
    assertTrue(found.get("steps[0].approvers.teams").startsWith("unknown field 'teams'"));
    assertTrue(found.get("steps[0].required").startsWith("required must be a whole number from 1 to 100"));
    assertEquals("excludeStarter must be true or false", found.get("steps[0].excludeStarter"));
    assertTrue(found.get("steps[0].defaultOption").startsWith("defaultOption must be one of the options"));
    assertEquals("${vars.nothing} refers to no output of an earlier step", found.get("steps[0].message"));
  }

  @Test
  void missingOrBlankNameIsAProblem() {
    assertEquals(Map.of("name", "name is required"), problems(null, definition(execute())));
    assertEquals(Map.of("name", "name is required"), problems("  ", definition(execute())));
  }

  @Test
  void definitionMustBeAnObjectWithNonEmptySteps() {
    assertTrue(problems("w", "steps").containsKey("definition"));
    assertTrue(problems("w", null).containsKey("definition"));
    assertTrue(problems("w", new JsonObject()).containsKey("steps"));
    assertTrue(problems("w", new JsonObject().put("steps", "x")).containsKey("steps"));
    assertTrue(problems("w", new JsonObject().put("steps", new JsonArray())).containsKey("steps"));
    assertTrue(problems("w", new JsonObject().put("steps", new JsonArray().add(3))).containsKey("steps[0]"));
  }

  @Test
  void unknownOrMissingTypeIsAProblem() {
    Map<String, String> found = problems("w", definition(new JsonObject().put("type", "shell"),
        new JsonObject().put("name", "no type")));
    assertTrue(found.get("steps[0].type").contains("unknown type 'shell'"), found.toString());
    assertTrue(found.get("steps[1].type").contains("required"), found.toString());
  }

  @Test
  void executeNeedsCommandAndNonEmptyStringTargets() {
    Map<String, String> found = problems("w", definition(
        new JsonObject().put("type", "execute"),
        execute().put("command", " ").put("targets", new JsonArray()),
        execute().put("targets", "all"),
        execute().put("targets", new JsonArray().add("web").add(7).add(""))));
    assertTrue(found.containsKey("steps[0].command"));
    assertTrue(found.containsKey("steps[0].targets"));
    assertTrue(found.containsKey("steps[1].command"));
    assertTrue(found.containsKey("steps[1].targets"));
    assertTrue(found.containsKey("steps[2].targets"));
    assertTrue(found.containsKey("steps[3].targets[1]"));
    assertTrue(found.containsKey("steps[3].targets[2]"));
    assertEquals(7, found.size(), found.toString());
  }

  @Test
  void promptNeedsMessageAndNonEmptyStringOptions() {
    Map<String, String> found = problems("w", definition(
        new JsonObject().put("type", "prompt").put("options", new JsonArray()),
        new JsonObject().put("type", "prompt").put("message", "Go?").put("options", new JsonArray().add(1))));
    assertTrue(found.containsKey("steps[0].message"));
    assertTrue(found.get("steps[0].options").contains("non-empty array"));
    assertTrue(found.containsKey("steps[1].options[0]"));
    assertEquals(3, found.size(), found.toString());
  }

  @Test
  void negativeOrAbsurdTimeoutIsAProblem() {
    Map<String, String> found = problems("w", definition(execute().put("timeout", -1),
        execute().put("timeout", DefinitionValidator.MAX_TIMEOUT_MS + 1), execute().put("timeout", "10s"),
        execute().put("timeout", 1.5), execute().put("timeout", DefinitionValidator.MAX_TIMEOUT_MS)));
    assertTrue(found.get("steps[0].timeout").contains("negative"));
    assertTrue(found.get("steps[1].timeout").contains("24 h"));
    assertTrue(found.get("steps[2].timeout").contains("whole number"));
    assertTrue(found.get("steps[3].timeout").contains("whole number"));
    assertEquals(4, found.size(), found.toString());
  }

  @Test
  void waitNeedsSaneDuration() {
    Map<String, String> found = problems("w", definition(new JsonObject().put("type", "wait"),
        new JsonObject().put("type", "wait").put("duration", -5),
        new JsonObject().put("type", "wait").put("duration", DefinitionValidator.MAX_DURATION_MS + 1),
        new JsonObject().put("type", "wait").put("duration", 0)));
    assertTrue(found.get("steps[0].duration").contains("required"));
    assertTrue(found.get("steps[1].duration").contains("negative"));
    assertTrue(found.get("steps[2].duration").contains("7 days"));
    assertEquals(3, found.size(), found.toString());
  }

  @Test
  void conditionThatDoesNotParseIsAProblemWithItsPath() {
    Map<String, String> found = problems("w", definition(execute(), execute(),
        execute().put("condition", "promptResponse === "), execute().put("condition", 42),
        execute().put("condition", "promptResponse === 'Yes'")));
    assertTrue(found.get("steps[2].condition").startsWith("condition does not parse"), found.toString());
    assertTrue(found.containsKey("steps[3].condition"));
    assertEquals(2, found.size(), found.toString());
  }

  @Test
  void continueOnErrorMustBeBoolean() {
    assertTrue(problems("w", definition(execute().put("continueOnError", "yes")))
        .containsKey("steps[0].continueOnError"));
  }

  @Test
  void everyProblemIsListedInOneFailure() {
    PulseException failure = assertThrows(PulseException.class, () -> validator.require("",
        definition(new JsonObject().put("type", "nope"), new JsonObject().put("type", "prompt"))));
    assertEquals(400, failure.status());
    assertEquals("The workflow definition has 4 problem(s)", failure.getMessage());
    JsonArray list = ((JsonObject) failure.details()).getJsonArray("problems");
    assertEquals(4, list.size());
    assertEquals("name", list.getJsonObject(0).getString("path"));
    assertEquals("steps[0].type", list.getJsonObject(1).getString("path"));
  }

  @Test
  void parsedStepsCarryDefaults() {
    List<Step> steps = StepParser.steps(definition(execute().putNull("name").put("condition", " "),
        new JsonObject().put("type", "wait").put("duration", 10).put("continueOnError", true)));
    assertEquals("Step 1", steps.get(0).name());
    assertEquals(Step.DEFAULT_TIMEOUT_MS, steps.get(0).timeoutMs());
    assertEquals(null, steps.get(0).condition());
    assertEquals(StepType.WAIT, steps.get(1).type());
    assertEquals(10, steps.get(1).durationMs());
    assertTrue(steps.get(1).continueOnError());
  }

  @Test
  void parallelBranchesAreCheckedInsideAndOut() {
    JsonObject good = new JsonObject("""
        {"steps":[{"name":"Both","type":"parallel","branches":[
          {"name":"web","steps":[{"type":"execute","targets":["web"],"command":"deploy","output":"webVersion"}]},
          {"name":"db","steps":[{"type":"wait","duration":10}]}]},
         {"type":"execute","targets":["all"],"command":"echo ${vars.webVersion}"}]}""");
    assertEquals(Map.of(), problems("w", good));
    JsonObject bad = new JsonObject("""
        {"steps":[{"type":"parallel","branches":[
          {"name":"a","steps":[{"type":"execute","targets":["all"],"command":"x","output":"v"}]},
          {"name":"a","steps":[{"type":"execute","targets":["all"],"command":"echo ${vars.v}","output":"v"}]},
          {"name":"c","steps":[]},
          {"name":"d","steps":[{"type":"jump"}]}]},
         {"type":"parallel"},
         {"type":"execute","targets":["all"],"command":"x","branches":[]}]}""");
    Map<String, String> found = problems("w", bad);
    assertEquals("another branch is named 'a'", found.get("steps[0].branches[1].name"));
    assertEquals("${vars.v} refers to no output of an earlier step", found.get("steps[0].branches[1].steps[0].command"));
    assertEquals("output 'v' is also set by another branch", found.get("steps[0].branches[1]"));
    assertEquals("steps must be a non-empty array", found.get("steps[0].branches[2].steps"));
    assertTrue(found.get("steps[0].branches[3].steps[0].type").startsWith("unknown type 'jump'"), found.toString());
    assertTrue(found.get("steps[1].branches").startsWith("branches must be a non-empty array"), found.toString());
    assertEquals("branches applies to parallel steps only", found.get("steps[2].branches"));
  }

  @Test
  void workflowStepsNeedAnIdAndPlainParams() {
    assertEquals(Map.of(), problems("w", definition(new JsonObject().put("type", "workflow").put("workflow", "w2")
        .put("params", new JsonObject().put("n", 3).put("flag", true).put("text", "a ${params.x}")))
        .put("params", new JsonObject().put("x", new JsonObject().put("type", "string")))));
    Map<String, String> found = problems("w", definition(new JsonObject().put("type", "workflow")
        .put("params", new JsonObject().put("list", new JsonArray()).put("ref", "${vars.none}"))));
    assertEquals("workflow is required", found.get("steps[0].workflow"));
    assertEquals("must be a string, number or boolean", found.get("steps[0].params.list"));
    assertEquals("${vars.none} refers to no output of an earlier step", found.get("steps[0].params.ref"));
    assertEquals(Map.of("steps[0].branches[0].steps[0].workflow", "w9", "steps[1].onFailure[0].workflow", "w8"),
        DefinitionValidator.workflowReferences(new JsonObject("""
            {"steps":[{"type":"parallel","branches":[{"steps":[{"type":"workflow","workflow":"w9"}]}]},
              {"type":"wait","duration":1,"onFailure":[{"type":"workflow","workflow":"w8"}]}]}""")));
  }

  @Test
  void aStepsOwnOnFailureStepsAreSteps() {
    assertEquals(Map.of(), problems("w", definition(execute().put("onFailure", new JsonArray().add(execute())))));
    Map<String, String> found = problems("w", definition(execute().put("onFailure", new JsonArray()),
        execute().put("onFailure", new JsonArray().add(new JsonObject().put("type", "prompt")))));
    assertTrue(found.get("steps[0].onFailure").startsWith("onFailure must be a non-empty array"), found.toString());
    assertEquals("message is required", found.get("steps[1].onFailure[0].message"));
  }

  @Test
  void anOutputMayNameAJsonField() {
    assertEquals(Map.of(), problems("w", definition(execute().put("output", new JsonObject().put("name", "v")
        .put("json", "release.items.0.id")))));
    Map<String, String> found = problems("w", definition(execute().put("output", new JsonObject().put("name", "1x")
        .put("json", "a..b").put("jq", ".a"))));
    assertEquals("name must be letters, digits and _", found.get("steps[0].output.name"));
    assertTrue(found.get("steps[0].output.json").startsWith("json must be the dotted path"), found.toString());
    assertEquals("unknown field 'jq': use name and json", found.get("steps[0].output.jq"));
  }
}
