package dev.pulse.engine.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.engine.EngineConfig;
import dev.pulse.engine.fixture.FakeFleet;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SMTP_* settings: defaults, e-mail off without SMTP_HOST, and one line naming a bad key. */
class MailSettingsTest {

  private static MailSettings read(Map<String, Object> keys) {
    return MailSettings.from(new ConfigReader(new JsonObject(keys)));
  }

  @Test
  void defaultsLeaveEmailOff() {
    MailSettings mail = read(Map.of());
    assertFalse(mail.enabled());
    assertNull(mail.host());
    assertEquals(25, mail.port());
    assertEquals(StartTLSOptions.OPTIONAL, mail.startTls());
    assertFalse(mail.ssl());
    assertEquals("pulse@localhost", mail.from());
  }

  @Test
  void theEngineReadsTheSmtpKeys() {
    EngineConfig config = EngineConfig.from(new JsonObject().put("DB_HOST", "db").put("DB_PASSWORD", "x")
        .put("DISPATCH_PRIVATE_KEY", DispatchKeys.base64(FakeFleet.DISPATCH_KEYS.getPrivate()))
        .put("SMTP_HOST", "smtp.example.com").put("SMTP_PORT", "587").put("SMTP_STARTTLS", "required")
        .put("SMTP_USERNAME", "pulse").put("SMTP_PASSWORD", "hunter2").put("SMTP_FROM", "PULSE <pulse@example.com>"));
    MailSettings mail = config.mail();
    assertTrue(mail.enabled());
    assertEquals(587, mail.port());
    assertEquals(StartTLSOptions.REQUIRED, mail.startTls());
    MailConfig client = mail.mailConfig(2_000);
    assertEquals(LoginOption.REQUIRED, client.getLogin());
    assertEquals(2_000, client.getConnectTimeout());
    assertFalse(mail.toString().contains("hunter2"), mail.toString());
    assertFalse(config.toString().contains("hunter2"), "EngineConfig's toString prints MailSettings' own");
  }

  @Test
  void badValuesStopStartUpNamingTheKey() {
    Map<String, Map<String, Object>> cases = Map.of(
        "SMTP_PORT", Map.of("SMTP_PORT", "smtp"),
        "SMTP_STARTTLS", Map.of("SMTP_STARTTLS", "maybe"),
        "SMTP_SSL", Map.of("SMTP_SSL", "sometimes"),
        "SMTP_FROM", Map.of("SMTP_FROM", "pulse"),
        "SMTP_PASSWORD", Map.of("SMTP_USERNAME", "pulse"),
        "SMTP_USERNAME", Map.of("SMTP_PASSWORD", "hunter2"));
    cases.forEach((key, keys) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> read(keys), key);
      assertTrue(e.getMessage().startsWith(key + " "), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    });
    assertThrows(ConfigException.class, () -> read(Map.of("SMTP_FROM", "PULSE <pulse@example.com>\r\nBcc: x@y.z")));
    assertThrows(ConfigException.class, () -> read(Map.of("SMTP_PORT", 0)));
  }
}
