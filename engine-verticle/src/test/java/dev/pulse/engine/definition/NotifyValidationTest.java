package dev.pulse.engine.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.engine.condition.RhinoConditions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The {@code notify} block: webhooks and e-mail recipients, every problem with its path. */
class NotifyValidationTest {

  private final DefinitionValidator validator =
      new DefinitionValidator(new RhinoConditions(RhinoConditions.DEFAULT_BUDGET_MS)::parseError);

  private Map<String, String> problems(String notify) {
    JsonObject definition = new JsonObject("{\"steps\":[{\"type\":\"wait\",\"duration\":1}],\"notify\":" + notify
        + "}");
    Map<String, String> found = new LinkedHashMap<>();
    validator.problems("wf", definition).forEach(p -> found.merge(p.path(), p.message(), (a, b) -> a + " | " + b));
    return found;
  }

  @Test
  void webhooksAndEmailsSideBySideAreValid() {
    assertEquals(Map.of(), problems("[{\"url\":\"https://hooks.slack.com/services/T/B/x\",\"on\":[\"failed\"],"
        + "\"format\":\"slack\"},{\"url\":\"http://127.0.0.1:9/hook\"},"
        + "{\"email\":{\"to\":[\"ops@example.com\",\"first.last+pulse@mail.example.co.uk\"],"
        + "\"cc\":[\"lead@localhost\"]},\"on\":[\"failed\",\"prompt\"]},"
        + "{\"email\":{\"to\":[\"o'brien@example.com\"],\"cc\":[]}}]"));
  }

  @Test
  void badAddressesAreNamedByTheirPath() {
    assertEquals(Map.of(
            "notify[0].email.to[1]", "is not an e-mail address",
            "notify[0].email.to[2]", "is not an e-mail address",
            "notify[0].email.to[3]", "is not an e-mail address",
            "notify[0].email.to[4]", "is not an e-mail address",
            "notify[0].email.cc[0]", "is not an e-mail address",
            "notify[0].email.cc[1]", "is not an e-mail address"),
        problems("[{\"email\":{\"to\":[\"ops@example.com\",\"ops\",\"ops@\",\"Ops <ops@example.com>\","
            + "\"ops@example.com\\r\\nBcc: all@example.com\"],\"cc\":[42,\"a@b@example.com\"]}}]"));
  }

  @Test
  void anEmailEntryNeedsRecipientsAndNothingOfAWebhook() {
    assertEquals(Map.of(
            "notify[0].email.to", "to must be a non-empty array of e-mail addresses",
            "notify[1].email.to", "to must be a non-empty array of e-mail addresses",
            "notify[1].email.cc", "cc must be an array of e-mail addresses",
            "notify[1].email.bcc", "unknown field 'bcc': use to or cc",
            "notify[2].email", "email must be an object: {to: [addresses], cc?: [addresses]}",
            "notify[3].url", "url applies to webhooks only: an e-mail notification has email, and a webhook has url",
            "notify[3].format", "format applies to webhooks only: an e-mail notification has email, and a webhook"
                + " has url",
            "notify[3].on", "on must list some of completed, failed, cancelled, prompt"),
        problems("[{\"email\":{}},{\"email\":{\"to\":[],\"cc\":\"lead@example.com\",\"bcc\":[]}},"
            + "{\"email\":\"ops@example.com\"},"
            + "{\"email\":{\"to\":[\"ops@example.com\"]},\"url\":\"https://x.example\",\"format\":\"slack\","
            + "\"on\":[\"done\"]}]"));
  }

  @Test
  void aRecipientListIsCapped() {
    JsonArray many = new JsonArray();
    IntStream.range(0, 51).forEach(i -> many.add("user" + i + "@example.com"));
    assertEquals(Map.of("notify[0].email.cc", "cc must list at most 50 addresses"),
        problems("[{\"email\":{\"to\":[\"ops@example.com\"],\"cc\":" + many.encode() + "}}]"));
  }

  @Test
  void webhookProblemsAreUnchanged() {
    assertEquals(Map.of(
            "notify[0].url", "url must be an http:// or https:// address",
            "notify[1].format", "format must be generic, slack or discord",
            "notify[2]", "a notification must be an object: a webhook {url, on?, format?} or an e-mail"
                + " {email: {to, cc?}, on?}"),
        problems("[{\"url\":\"ftp://x\"},{\"url\":\"https://x.example\",\"format\":\"teams\"},\"ops@example.com\"]"));
    assertEquals(Map.of("notify", "notify must be an array of webhooks {url, on?, format?} and e-mails"
        + " {email: {to, cc?}, on?}"), problems("{\"email\":{\"to\":[\"ops@example.com\"]}}"));
  }
}
