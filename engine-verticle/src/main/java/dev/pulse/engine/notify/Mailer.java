package dev.pulse.engine.notify;

import static dev.pulse.contracts.LogKeys.EXECUTION_ID;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notification mails through the configured SMTP server, one attempt each, and logs the
 * outcome once; nothing waits for it.
 */
final class Mailer {

  private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);

  private final MailSettings settings;
  private final MailClient client;
  private final long timeoutMs;

  Mailer(Vertx vertx, MailSettings settings, long timeoutMs) {
    this.settings = settings;
    this.client = settings.enabled() ? MailClient.create(vertx, settings.mailConfig(timeoutMs)) : null;
    this.timeoutMs = timeoutMs;
    if (settings.enabled()) {
      LOG.info("E-mail notifications go through {}:{} (STARTTLS {}, SSL {}) from {}", settings.host(),
          settings.port(), settings.startTls(), settings.ssl(), settings.from());
    }
  }

  /** Sends {@code message} ({@code kind} of execution {@code executionId}) and logs a failure. */
  void send(MailMessage message, String kind, String executionId) {
    int recipients = message.getTo().size() + (message.getCc() == null ? 0 : message.getCc().size());
    if (client == null) {
      LOG.atWarn().addKeyValue(EXECUTION_ID, executionId).log("E-mail notification ({}) of execution {} to {}"
          + " recipient(s) not sent: SMTP_HOST is not set", kind, executionId, recipients);
      return;
    }
    Future<?> sent;
    try {
      sent = client.sendMail(message).timeout(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException refused) {
      sent = Future.failedFuture(refused);
    }
    sent.onSuccess(result -> LOG.atDebug().addKeyValue(EXECUTION_ID, executionId)
            .log("E-mail notification ({}) of execution {} sent to {} recipient(s)", kind, executionId, recipients))
        .onFailure(failure -> LOG.atWarn().addKeyValue(EXECUTION_ID, executionId)
            .log("E-mail notification ({}) of execution {} via {}:{} failed: {}", kind, executionId,
                settings.host(), settings.port(), failure instanceof TimeoutException
                    ? "no answer within NOTIFY_TIMEOUT_MS (" + timeoutMs + " ms)" : failure.getMessage()));
  }

  /** Releases the mail client. */
  Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
