package dev.pulse.engine.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pulse.contracts.PulseException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** References become single shell words: a value is data, never code. */
class VariablesTest {

  @Test
  void referencesAreReplacedByQuotedValuesAndUnsetOnesByEmptyWords() {
    assertEquals("deploy 'v1.2' to 'web' ''", Variables.render("deploy ${params.version} to ${vars.group} ${vars.none}",
        Map.of("version", "v1.2"), Map.of("group", "web")));
    assertEquals("echo 'it'\\''s'", Variables.render("echo ${params.word}", Map.of("word", "it's"), Map.of()));
    assertEquals("echo '3'", Variables.render("echo ${params.n}", Map.of("n", 3), Map.of()));
    assertEquals("echo ${other.x} $HOME", Variables.render("echo ${other.x} $HOME", Map.of(), Map.of()));
  }

  @Test
  void aHostileValueReachesTheCommandAsOneArgumentAndRunsNothing() throws Exception {
    String hostile = "x'; touch /tmp/pwned-by-pulse; echo '$(id)`id`\"\n;|&";
    String command = Variables.render("printf '%s' ${params.v}", Map.of("v", hostile), Map.of());
    Process process = new ProcessBuilder("/bin/sh", "-c", command).start();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor());
    assertEquals(hostile, printed);
  }

  @Test
  void paramsAreCheckedAgainstTheirDeclarationsAndDefaultsFillIn() {
    JsonObject declared = new JsonObject()
        .put("version", new JsonObject().put("type", "string").put("required", true))
        .put("count", new JsonObject().put("type", "number").put("default", 2))
        .put("dry_run", new JsonObject().put("type", "boolean"));
    assertEquals(Map.of("version", "1.0", "count", 2), Variables.params(declared, new JsonObject().put("version", "1.0")));
    assertEquals(List.of(
        "params.version is required (string)",
        "params.count must be a number",
        "params.other is not a parameter of this workflow; it declares [version, count, dry_run]"), List.of(
        message(() -> Variables.params(declared, new JsonObject())),
        message(() -> Variables.params(declared, new JsonObject().put("version", "1").put("count", "two"))),
        message(() -> Variables.params(declared, new JsonObject().put("version", "1").put("other", 1)))));
    assertEquals(Map.of("x", 1), Variables.params(null, new JsonObject().put("x", 1)), "undeclared: taken as given");
  }

  private static String message(Runnable call) {
    PulseException failure = assertThrows(PulseException.class, call::run);
    assertEquals(400, failure.status());
    return failure.getMessage();
  }

}
