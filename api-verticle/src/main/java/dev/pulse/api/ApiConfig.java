package dev.pulse.api;

import dev.pulse.api.auth.Cidr;
import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.Wire;
import dev.pulse.contracts.signing.BusGrants;
import dev.pulse.contracts.signing.DispatchKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The API verticle's settings.
 *
 * @param host HOST (0.0.0.0)
 * @param port PORT (8080)
 * @param busTimeoutMs BUS_TIMEOUT_MS: how long a REST call waits for the engine or registry
 * @param devAuth AUTH_MODE=dev: requests without SSO headers act as a local admin (dev mode only)
 * @param trustedProxies TRUSTED_PROXIES: peers whose Remote-* headers are believed
 * @param adminGroup ADMIN_GROUP (admin)
 * @param employeeGroup EMPLOYEE_GROUP (employee)
 * @param maxBodyBytes MAX_BODY_BYTES (1 MiB); larger bodies get 413
 * @param rateLimitPerMinute RATE_LIMIT_PER_MINUTE (1200): API requests per user per minute
 * @param version the PULSE version shown by /health
 * @param grants DISPATCH_PRIVATE_KEY (base64 PKCS#8, which the launcher loads on every server node): the
 *     API grants the engine and registry requests it makes for a user; null without the key, and
 *     then the engine and registry refuse every change
 */
public record ApiConfig(String host, int port, long busTimeoutMs, boolean devAuth, List<Cidr> trustedProxies,
    String adminGroup, String employeeGroup, long maxBodyBytes, long rateLimitPerMinute, String version,
    BusGrants grants) {

  /** Parses the keys above; a bad value throws a one-line {@link ConfigException}. */
  public static ApiConfig from(ConfigReader config) {
    String authMode = config.string("AUTH_MODE", "sso");
    if (!authMode.equals("sso") && !authMode.equals("dev")) {
      throw new ConfigException("AUTH_MODE must be 'sso' or 'dev', got '" + authMode + "'");
    }
    List<Cidr> proxies = new ArrayList<>();
    for (String entry : Wire.commaList(config.string("TRUSTED_PROXIES", "127.0.0.1/32,::1/128"))) {
      proxies.add(Cidr.parse("TRUSTED_PROXIES", entry));
    }
    return new ApiConfig(
        config.string("HOST", "0.0.0.0"),
        config.port("PORT", 8080, true),
        config.number("BUS_TIMEOUT_MS", 5000, 100, 600_000),
        authMode.equals("dev"),
        proxies,
        config.string("ADMIN_GROUP", "admin"),
        config.string("EMPLOYEE_GROUP", "employee"),
        config.number("MAX_BODY_BYTES", 1024 * 1024, 1024, 64L * 1024 * 1024),
        config.number("RATE_LIMIT_PER_MINUTE", 1200, 1, 1_000_000),
        config.string("PULSE_VERSION", "dev"),
        grants(config.string("DISPATCH_PRIVATE_KEY", null)));
  }

  private static BusGrants grants(String privateKey) {
    return privateKey == null ? null
        : BusGrants.fromDispatchKey(DispatchKeys.privateKey(privateKey, "DISPATCH_PRIVATE_KEY"));
  }
}
