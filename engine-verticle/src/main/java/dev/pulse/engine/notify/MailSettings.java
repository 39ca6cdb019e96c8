package dev.pulse.engine.notify;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP server e-mail notifications go through.
 *
 * @param host SMTP_HOST; null when unset, which turns e-mail off
 * @param port SMTP_PORT (25)
 * @param username SMTP_USERNAME, or null to send without logging in
 * @param password SMTP_PASSWORD (with SMTP_USERNAME); never logged
 * @param startTls SMTP_STARTTLS (OPTIONAL): OPTIONAL upgrades when the server offers it, REQUIRED
 *     refuses to send in the clear, DISABLED never upgrades
 * @param ssl SMTP_SSL (false): TLS from the first byte (SMTPS, usually port 465)
 * @param from SMTP_FROM (pulse@localhost): the sender, {@code name@domain} or {@code Name <name@domain>}
 */
public record MailSettings(String host, int port, String username, String password, StartTLSOptions startTls,
    boolean ssl, String from) {

  /** Reads and checks the SMTP_* keys; fails with a {@link ConfigException} naming the bad one. */
  public static MailSettings from(ConfigReader config) {
    String username = config.string("SMTP_USERNAME", null);
    String password = config.string("SMTP_PASSWORD", null);
    if (username != null && password == null) {
      throw new ConfigException("SMTP_PASSWORD is required with SMTP_USERNAME");
    }
    if (username == null && password != null) {
      throw new ConfigException("SMTP_USERNAME is required with SMTP_PASSWORD");
    }
    String from = config.string("SMTP_FROM", "pulse@localhost");
    if (!Emails.isSender(from)) {
      throw new ConfigException("SMTP_FROM must be an e-mail address (name@example.com or Name <name@example.com>),"
          + " got '" + from + "'");
    }
    return new MailSettings(config.string("SMTP_HOST", null), config.port("SMTP_PORT", 25, false), username,
        password, startTls(config.string("SMTP_STARTTLS", "OPTIONAL")), config.bool("SMTP_SSL", false), from);
  }

  private static StartTLSOptions startTls(String text) {
    try {
      return StartTLSOptions.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("SMTP_STARTTLS must be OPTIONAL, REQUIRED or DISABLED, got '" + text + "'");
    }
  }

  /** Whether e-mail can be sent at all (SMTP_HOST is set). */
  public boolean enabled() {
    return host != null;
  }

  /** The mail client's settings; every wait (connect, each reply) is bounded by {@code timeoutMs}. */
  MailConfig mailConfig(long timeoutMs) {
    // One connection per mail: notifications are rare, and no pooled connection goes stale.
    return new MailConfig().setHostname(host).setPort(port).setStarttls(startTls).setSsl(ssl)
        .setLogin(username == null ? LoginOption.DISABLED : LoginOption.REQUIRED)
        .setUsername(username).setPassword(password)
        .setConnectTimeout((int) timeoutMs).setIdleTimeout((int) timeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setKeepAlive(false).setUserAgent("PULSE");
  }

  @Override
  public String toString() {
    return "MailSettings[" + (enabled() ? host + ":" + port : "off") + (username == null ? "" : ", as " + username)
        + ", starttls=" + startTls + ", ssl=" + ssl + ", from=" + from + "]";
  }
}
