package dev.pulse.engine.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mail's subject and body for each event, and which addresses pass. */
class EmailsTest {

  private static final String LINK = "https://pulse.example.com/#/executions/e-1";

  private static JsonObject execution(String status) {
    return new JsonObject().put("id", "e-1").put("workflow_id", "w-1").put("workflow_name", "Nightly\r\nBcc: x@y.z")
        .put("status", status).put("started_by", "alice");
  }

  @Test
  void theSubjectSaysWorkflowAndOutcomeOnOneLine() {
    assertEquals("[PULSE] Nightly Bcc: x@y.z completed", Emails.subject("completed", execution("completed")));
    assertEquals("[PULSE] Nightly Bcc: x@y.z cancelled", Emails.subject("cancelled", execution("cancelled")));
    assertEquals("[PULSE] Nightly Bcc: x@y.z waiting for input",
        Emails.subject("prompt", execution("waiting_for_input")));
    assertEquals("[PULSE] w-1 failed", Emails.subject("failed", new JsonObject().put("workflow_id", "w-1")));
  }

  @Test
  void aFailureNamesTheErrorAndLinksTheExecution() {
    String body = Emails.body("failed", "e-1", execution("failed").put("error", "Step 'Deploy' failed"), Map.of(),
        LINK);
    assertTrue(body.contains("Status:     failed\nStarted by: alice\nError:      Step 'Deploy' failed\n"), body);
    assertTrue(body.endsWith("Open the execution: " + LINK + "\n"), body);
    assertFalse(body.contains("Waiting"), body);
  }

  @Test
  void aPromptWithSeveralApproversShowsTheVotesSoFar() {
    Map<String, Object> event = Map.of("prompt", Map.of("message", "Ship it?", "options", List.of("Yes", "No"),
        "required", 2, "votes", List.of(Map.of("by", "bob", "response", "Yes"))));
    String body = Emails.body("prompt", "e-1", execution("waiting_for_input"), event, LINK);
    assertTrue(body.contains("Waiting for an answer: Ship it?\nOptions: Yes, No\n"
        + "Needs 2 matching answers; so far: bob (Yes)\n"), body);
    assertFalse(body.contains("Error:"), body);
  }

  @Test
  void addressesArePlainAndSendersMayHaveAName() {
    for (String good : List.of("ops@example.com", "a.b+c@sub.example.co.uk", "root@localhost")) {
      assertTrue(Emails.isAddress(good), good);
    }
    for (Object bad : List.of("ops", "@example.com", "ops@", "ops@@example.com", "ops @example.com",
        "ops@-example.com", "a..b@example.com", "ops@example.com\nBcc: x@y.z", "x".repeat(65) + "@example.com", 7)) {
      assertFalse(Emails.isAddress(bad), String.valueOf(bad));
    }
    assertTrue(Emails.isSender("PULSE <pulse@example.com>"));
    assertTrue(Emails.isSender("pulse@example.com"));
    assertFalse(Emails.isSender("PULSE <pulse>"));
    assertFalse(Emails.isSender("\"PULSE\" <pulse@example.com>"));
    assertFalse(Emails.isSender("PU\nLSE <pulse@example.com>"));
  }
}
