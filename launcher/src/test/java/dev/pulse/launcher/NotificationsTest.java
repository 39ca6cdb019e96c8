package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testkit.Await;
import dev.pulse.testkit.SmtpSink;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A workflow's notifications through the REST API with real workers: a webhook and an e-mail
 * (a real SMTP conversation) for the pending prompt and for the failure, each with a link to the
 * execution.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NotificationsTest {

  @Test
  void aPromptAndAFailureReachTheWebhookAndTheMailbox() throws Exception {
    Vertx sinks = Vertx.vertx();
    List<JsonObject> hooks = new CopyOnWriteArrayList<>();
    HttpServer webhook = sinks.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      hooks.add(body.toJsonObject());
      request.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1").await();
    SmtpSink mailbox = SmtpSink.start(sinks);
    try (TwoWorkerDevMode fleet = TwoWorkerDevMode.start("notify", new JsonObject()
        .put("SMTP_HOST", "127.0.0.1").put("SMTP_PORT", mailbox.port()).put("SMTP_FROM", "pulse@example.org")
        .put("PUBLIC_URL", "https://pulse.example.org"))) {
      JsonObject definition = new JsonObject()
          .put("steps", new JsonArray()
              .add(new JsonObject().put("name", "Go?").put("type", "prompt").put("message", "Deploy now?")
                  .put("options", new JsonArray().add("Yes").add("No")))
              .add(ApiDriver.execute("deploy", "echo nope >&2; exit 9").put("targets", new JsonArray().add("beta"))))
          .put("notify", new JsonArray()
              .add(new JsonObject().put("url", "http://127.0.0.1:" + webhook.actualPort() + "/hook")
                  .put("on", new JsonArray().add("prompt").add("failed")))
              .add(new JsonObject().put("email", new JsonObject().put("to", new JsonArray().add("ops@example.org")))
                  .put("on", new JsonArray().add("prompt").add("failed"))));
      String workflow = fleet.api().createWorkflow(new JsonObject().put("name", "Notified").put("definition", definition));
      String execution = fleet.api().start(workflow);
      fleet.api().awaitStatus(execution, "waiting_for_input", Duration.ofSeconds(30));
      Await.until(Duration.ofSeconds(20), "the prompt's webhook and mail", () ->
          hooks.size() >= 1 && mailbox.mails.size() >= 1 ? Boolean.TRUE : null);
      fleet.api().respond(execution, "Yes");
      fleet.api().awaitStatus(execution, "failed", Duration.ofSeconds(30));
      Await.until(Duration.ofSeconds(20), "the failure's webhook and mail", () ->
          hooks.size() >= 2 && mailbox.mails.size() >= 2 ? Boolean.TRUE : null);

      String link = "https://pulse.example.org/#/executions/" + execution;
      assertEquals(List.of("execution.prompt", "execution.failed"), hooks.stream().map(h -> h.getString("event"))
          .toList());
      hooks.forEach(hook -> assertEquals(link, hook.getString("url")));
      assertEquals("Deploy now?", hooks.get(0).getJsonObject("prompt").getString("message"));
      SmtpSink.Mail failed = mailbox.mails.get(1);
      assertEquals(List.of("ops@example.org"), failed.recipients());
      assertEquals("[PULSE] Notified failed", failed.header("Subject"));
      assertTrue(failed.body().contains(link), failed.body());
      assertTrue(failed.body().contains("exit code 9"), failed.body());
      assertTrue(mailbox.mails.get(0).body().contains("Deploy now?"), mailbox.mails.get(0).body());
    } finally {
      mailbox.close();
      sinks.close().await();
    }
  }
}
