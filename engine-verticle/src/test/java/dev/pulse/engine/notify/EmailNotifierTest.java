package dev.pulse.engine.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pulse.engine.fixture.EngineFixture;
import dev.pulse.testkit.SmtpSink;
import dev.pulse.testkit.SmtpSink.Mail;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * E-mail notifications go over real SMTP to a sink on a local port: the right recipients, subject
 * and link for each subscribed event; a dead or hung mail server neither holds nor fails the run.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmailNotifierTest {

  private static final String PASSWORD = "s3cret-smtp-password";
  private static final String PROMPT_THEN_FAIL = "{\"steps\":[{\"name\":\"Ask\",\"type\":\"prompt\","
      + "\"message\":\"Deploy to prod?\",\"options\":[\"Yes\",\"No\"]},{\"name\":\"Break\",\"type\":\"execute\","
      + "\"targets\":[\"web-01\"],\"command\":\"exit 3\"}],\"notify\":[%s]}";

  private final Logger mailerLog = (Logger) LoggerFactory.getLogger(Mailer.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    logged.setContext(mailerLog.getLoggerContext());
    logged.start();
    mailerLog.addAppender(logged);
    fx = new EngineFixture(vertx).with("PUBLIC_URL", "https://pulse.example.com");
    fx.fleet.worker("web-01", "online");
  }

  @AfterEach
  void release() {
    mailerLog.detachAppender(logged);
  }

  private List<ILoggingEvent> warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
  }

  private String respondYes(String id) {
    fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes").put("responded_by", "bob")).await();
    return id;
  }

  @Test
  void eachEmailEntryGetsItsEventsWithRecipientsSubjectAndLink(Vertx vertx) {
    SmtpSink sink = SmtpSink.start(vertx);
    fx.with("SMTP_HOST", "127.0.0.1").with("SMTP_PORT", sink.port()).with("SMTP_FROM", "PULSE <pulse@example.com>")
        .deployEngine();
    String workflow = fx.workflow(PROMPT_THEN_FAIL.formatted(
        "{\"email\":{\"to\":[\"ops@example.com\",\"dev@example.com\"],\"cc\":[\"lead@example.com\"]}},"
        + "{\"email\":{\"to\":[\"oncall@example.com\"]},\"on\":[\"failed\"]},"
        + "{\"email\":{\"to\":[\"happy@example.com\"]},\"on\":[\"completed\"]}"));
    String id = fx.start(workflow);
    String link = "https://pulse.example.com/#/executions/" + id;

    fx.awaitStatus(id, "waiting_for_input", 10_000);
    EngineFixture.awaitTrue("the prompt mail", 10_000, () -> sink.mails.size() == 1);
    Mail prompt = sink.mails.get(0);
    assertEquals("pulse@example.com", prompt.from());
    assertEquals(List.of("ops@example.com", "dev@example.com", "lead@example.com"), prompt.recipients());
    assertEquals("[PULSE] wf waiting for input", prompt.header("Subject"));
    assertTrue(prompt.header("From").contains("pulse@example.com"), prompt.headers());
    assertTrue(prompt.header("Cc").contains("lead@example.com"), prompt.headers());
    assertEquals("auto-generated", prompt.header("Auto-Submitted"));
    String body = prompt.body();
    assertTrue(body.contains("Execution:  " + id), body);
    assertTrue(body.contains("Started by: alice"), body);
    assertTrue(body.contains("Waiting for an answer: Deploy to prod?"), body);
    assertTrue(body.contains("Options: Yes, No"), body);
    assertTrue(body.contains(link + "\r\n"), body);

    fx.awaitStatus(respondYes(id), "failed", 10_000);
    EngineFixture.awaitTrue("the two failure mails", 10_000, () -> sink.mails.size() == 3);
    List<Mail> failed = sink.mails.subList(1, 3);
    for (Mail mail : failed) {
      assertEquals("[PULSE] wf failed", mail.header("Subject"));
      assertTrue(mail.body().contains("Status:     failed"), mail.body());
      assertTrue(mail.body().contains("Error:      Step 'Break' failed"), mail.body());
      assertTrue(mail.body().contains(link), mail.body());
      assertTrue(!mail.body().contains("Waiting for an answer"), mail.body());
    }
    assertEquals(List.of(List.of("ops@example.com", "dev@example.com", "lead@example.com"),
        List.of("oncall@example.com")), failed.stream().map(Mail::recipients).sorted((a, b) -> b.size() - a.size())
        .toList());
    assertTrue(sink.mails.stream().noneMatch(m -> m.recipients().contains("happy@example.com")),
        "happy@ asked for completions only");
    assertEquals(List.of(), warnings());
  }

  @Test
  void anUnreachableMailServerIsLoggedOnceAndChangesNothing() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    fx.with("SMTP_HOST", "127.0.0.1").with("SMTP_PORT", closedPort).with("SMTP_USERNAME", "pulse")
        .with("SMTP_PASSWORD", PASSWORD).deployEngine();
    String workflow = fx.workflow("{\"steps\":[{\"name\":\"Run\",\"type\":\"execute\",\"targets\":[\"web-01\"],"
        + "\"command\":\"true\"}],\"notify\":[{\"email\":{\"to\":[\"ops@example.com\"]}}]}");
    long started = System.currentTimeMillis();
    String id = fx.start(workflow);
    fx.awaitStatus(id, "completed", 10_000);
    assertTrue(System.currentTimeMillis() - started < 5_000, "the run did not wait for the mail");

    EngineFixture.awaitTrue("the warning", 10_000, () -> !warnings().isEmpty());
    sleep(500);
    List<ILoggingEvent> warnings = warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    ILoggingEvent warning = warnings.get(0);
    assertTrue(warning.getFormattedMessage().startsWith("E-mail notification (completed) of execution " + id
        + " via 127.0.0.1:" + closedPort + " failed: "), warning.getFormattedMessage());
    assertTrue(!warning.getFormattedMessage().contains(PASSWORD), warning.getFormattedMessage());
    assertNull(warning.getThrowableProxy(), "no stack trace");
    assertEquals("completed", fx.execution(id).getString("status"));
  }

  @Test
  void aHungMailServerNeitherHoldsTheRunNorKeepsItsConnectionPastTheTimeout(Vertx vertx) {
    SmtpSink hung = SmtpSink.silent(vertx);
    fx.with("SMTP_HOST", "127.0.0.1").with("SMTP_PORT", hung.port()).with("NOTIFY_TIMEOUT_MS", 4_000)
        .deployEngine();
    String workflow = fx.workflow(PROMPT_THEN_FAIL.formatted("{\"email\":{\"to\":[\"ops@example.com\"]}}"));
    String id = fx.start(workflow);
    fx.awaitStatus(id, "waiting_for_input", 10_000);
    EngineFixture.awaitTrue("the prompt mail's connection", 5_000, () -> hung.opened.get() == 1);

    long answered = System.currentTimeMillis();
    fx.awaitStatus(respondYes(id), "failed", 10_000);
    assertTrue(hung.closed.get() == 0 && System.currentTimeMillis() - answered < 4_000,
        "the run went on while the prompt mail still waited for the server");

    EngineFixture.awaitTrue("both mails given up", 15_000, () -> hung.opened.get() == 2 && hung.closed.get() == 2
        && warnings().size() == 2);
    List<ILoggingEvent> warnings = warnings();
    assertTrue(warnings.get(0).getFormattedMessage().endsWith("failed: no answer within NOTIFY_TIMEOUT_MS (4000 ms)"),
        warnings.get(0).getFormattedMessage());
    assertTrue(warnings.stream().allMatch(w -> w.getThrowableProxy() == null), "no stack traces");
    assertEquals("failed", fx.execution(id).getString("status"));
  }

  @Test
  void withoutSmtpHostAnEmailEntryIsStillValidAndEachNotificationSaysWhyNothingWasSent() {
    fx.deployEngine();
    String workflow = fx.workflow("{\"steps\":[{\"name\":\"Run\",\"type\":\"execute\",\"targets\":[\"web-01\"],"
        + "\"command\":\"true\"}],\"notify\":[{\"email\":{\"to\":[\"ops@example.com\",\"dev@example.com\"]}}]}");
    String id = fx.start(workflow);
    fx.awaitStatus(id, "completed", 10_000);
    EngineFixture.awaitTrue("the warning", 10_000, () -> !warnings().isEmpty());
    assertEquals("E-mail notification (completed) of execution " + id + " to 2 recipient(s) not sent: SMTP_HOST"
        + " is not set", warnings().get(0).getFormattedMessage());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
