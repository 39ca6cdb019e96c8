package dev.pulse.engine;

import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.contracts.signing.DispatchSigner;
import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.notify.MailSettings;
import dev.pulse.storage.DbConfig;
import io.vertx.core.json.JsonObject;

/**
 * The engine's settings, read from the flat configuration.
 *
 * @param db DB_* keys
 * @param busTimeoutMs BUS_TIMEOUT_MS: timeout of requests to the registry and workers
 * @param leaseMs ENGINE_LEASE_MS (6000): how long a node's claim on an execution lasts unrenewed
 * @param renewMs ENGINE_LEASE_RENEW_MS (2000): how often a node renews its leases
 * @param claimMs ENGINE_CLAIM_INTERVAL_MS (1000): how often a node looks for executions without a live owner
 * @param reconcileMs ENGINE_RECONCILE_INTERVAL_MS (5000): how often an owner re-reads recorded results
 * @param resultGraceMs ENGINE_RESULT_GRACE_MS: how long past its timeout a command may stay silent;
 *     default HEARTBEAT_INTERVAL × (OFFLINE_AFTER_MISSED + 1), the time the registry needs to
 *     call a silent worker offline, plus one interval
 * @param conditionBudgetMs ENGINE_CONDITION_BUDGET_MS (100): time budget of one condition
 * @param dispatchSigner DISPATCH_PRIVATE_KEY (required; base64 PKCS#8 Ed25519, the launcher loads it from
 *     DATA_DIR/secrets): signs every command sent to a worker; never logged
 * @param retentionDays RETENTION_DAYS (90): ended executions, finished direct commands and audit rows
 *     older than this many days are deleted; 0 keeps everything
 * @param retentionCheckMs RETENTION_CHECK_MS (3600000): how often old rows are looked for
 * @param schedulerTickMs SCHEDULER_TICK_MS (1000): how often a node looks for due workflow schedules
 * @param publicUrl PUBLIC_URL (http://localhost:8080): the dashboard's address, for links in notifications
 * @param notifyTimeoutMs NOTIFY_TIMEOUT_MS (5000): how long one notification webhook or mail may take
 * @param mail SMTP_* keys: the server e-mail notifications go through (off without SMTP_HOST)
 */
public record EngineConfig(DbConfig db, long busTimeoutMs, long leaseMs, long renewMs, long claimMs,
    long reconcileMs, long resultGraceMs, long conditionBudgetMs, DispatchSigner dispatchSigner,
    int retentionDays, long retentionCheckMs, long schedulerTickMs, String publicUrl, long notifyTimeoutMs,
    MailSettings mail) {

  /** Reads and checks the keys; fails with a {@link ConfigException} naming the bad one. */
  public static EngineConfig from(JsonObject json) {
    ConfigReader config = new ConfigReader(json);
    long heartbeatS = config.number("HEARTBEAT_INTERVAL", 30, 1, 3600);
    long missed = config.number("OFFLINE_AFTER_MISSED", 3, 1, 100);
    long lease = config.number("ENGINE_LEASE_MS", 6_000, 1_000, 600_000);
    long renew = config.number("ENGINE_LEASE_RENEW_MS", 2_000, 100, 300_000);
    if (renew * 2 > lease) {
      throw new ConfigException("ENGINE_LEASE_RENEW_MS must be at most half of ENGINE_LEASE_MS (" + lease
          + "), got " + renew);
    }
    return new EngineConfig(DbConfig.from(config),
        config.number("BUS_TIMEOUT_MS", BusClient.DEFAULT_TIMEOUT_MS, 100, 120_000), lease, renew,
        config.number("ENGINE_CLAIM_INTERVAL_MS", 1_000, 100, 60_000),
        config.number("ENGINE_RECONCILE_INTERVAL_MS", 5_000, 100, 600_000),
        config.number("ENGINE_RESULT_GRACE_MS", heartbeatS * (missed + 1) * 1000, 0, 86_400_000),
        config.number("ENGINE_CONDITION_BUDGET_MS", RhinoConditions.DEFAULT_BUDGET_MS, 10, 10_000),
        new DispatchSigner(DispatchKeys.privateKey(config.required("DISPATCH_PRIVATE_KEY",
            "the Ed25519 key commands are signed with (the launcher loads it from DATA_DIR/secrets)"),
            "DISPATCH_PRIVATE_KEY")),
        config.integer("RETENTION_DAYS", 90, 0, 36_500),
        config.number("RETENTION_CHECK_MS", 3_600_000, 1_000, 604_800_000),
        config.number("SCHEDULER_TICK_MS", 1_000, 10, 60_000),
        publicUrl(config.string("PUBLIC_URL", "http://localhost:8080")),
        config.number("NOTIFY_TIMEOUT_MS", 5_000, 100, 120_000),
        MailSettings.from(config));
  }

  private static String publicUrl(String url) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new ConfigException("PUBLIC_URL must be the dashboard's http:// or https:// address, got '" + url + "'");
    }
    return url;
  }
}
