package dev.pulse.registry;

import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.contracts.signing.DispatchSigner;
import dev.pulse.storage.DbConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The registry's settings.
 *
 * @param workerApiKey WORKER_API_KEY: the shared enrolment key; never logged
 * @param heartbeatInterval HEARTBEAT_INTERVAL (seconds, 30), or HEARTBEAT_INTERVAL_MS when set
 * @param offlineAfterMissed OFFLINE_AFTER_MISSED (3): intervals without a heartbeat before offline
 * @param busTimeoutMs BUS_TIMEOUT_MS (5000): how long a request to a worker waits
 * @param flushInterval REGISTRY_FLUSH_MS (1000): how often heartbeats are written to the database
 * @param db the DB_* keys
 * @param dispatchSigner DISPATCH_PRIVATE_KEY (required; base64 PKCS#8 Ed25519): signs direct commands and
 *     control messages; never logged
 */
public record RegistryConfig(String workerApiKey, Duration heartbeatInterval, int offlineAfterMissed,
    long busTimeoutMs, Duration flushInterval, DbConfig db, DispatchSigner dispatchSigner) {

  /** Parses the keys above; a bad value throws a one-line ConfigException naming the key. */
  public static RegistryConfig from(JsonObject json) {
    ConfigReader config = new ConfigReader(json);
    long intervalMs = config.string("HEARTBEAT_INTERVAL_MS", null) != null
        ? config.number("HEARTBEAT_INTERVAL_MS", 30_000, 50, 86_400_000)
        : config.number("HEARTBEAT_INTERVAL", 30, 1, 86_400) * 1000;
    return new RegistryConfig(
        config.required("WORKER_API_KEY", "the shared key workers enrol with (the workers' WORKER_API_KEY)"),
        Duration.ofMillis(intervalMs),
        config.integer("OFFLINE_AFTER_MISSED", 3, 1, 1000),
        config.number("BUS_TIMEOUT_MS", 5000, 100, 600_000),
        Duration.ofMillis(config.number("REGISTRY_FLUSH_MS", 1000, 10, 60_000)),
        DbConfig.from(config),
        new DispatchSigner(DispatchKeys.privateKey(config.required("DISPATCH_PRIVATE_KEY",
            "the Ed25519 key commands are signed with (the launcher loads it from DATA_DIR/secrets)"),
            "DISPATCH_PRIVATE_KEY")));
  }

  /** How long a worker may stay silent before it is offline. */
  public Duration offlineAfter() {
    return heartbeatInterval.multipliedBy(offlineAfterMissed);
  }

  @Override
  public String toString() {
    return "RegistryConfig[heartbeatInterval=" + heartbeatInterval + ", offlineAfterMissed=" + offlineAfterMissed
        + ", busTimeoutMs=" + busTimeoutMs + ", flushInterval=" + flushInterval + ", db=" + db + "]";
  }
}
