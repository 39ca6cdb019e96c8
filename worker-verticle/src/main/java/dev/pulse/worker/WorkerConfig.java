package dev.pulse.worker;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.Wire;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.contracts.signing.DispatchVerifier;
import dev.pulse.worker.guard.AllowList;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;

/**
 * The worker agent's settings.
 *
 * @param name WORKER_NAME (required; the launcher sets it)
 * @param groups WORKER_GROUPS, comma-separated ("web,db")
 * @param apiKey WORKER_API_KEY (required): the shared enrolment key; never logged
 * @param heartbeatIntervalMs HEARTBEAT_INTERVAL seconds (30), or HEARTBEAT_INTERVAL_MS when set
 * @param maxConcurrent MAX_CONCURRENT_TASKS (5)
 * @param queueSize TASK_QUEUE_SIZE (1000): waiting commands beyond the running ones
 * @param outputCapBytes OUTPUT_CAP_BYTES (1 MiB) kept per stream in the result
 * @param killGraceMs KILL_GRACE_MS (2000) between TERM and KILL
 * @param defaultTimeoutMs COMMAND_TIMEOUT (300000) when a dispatch names none
 * @param stateDir WORKER_STATE_DIR (required): identity file and outbox
 * @param cwd WORKER_CWD (user home): default working directory of commands
 * @param busTimeoutMs BUS_TIMEOUT_MS (5000) for requests to the registry and result receivers
 * @param shutdownGraceMs SHUTDOWN_GRACE_MS (30000) running commands get on stop before they are killed
 * @param resultRetryMaxMs RESULT_RETRY_MAX_MS (30000): the longest wait between result delivery attempts
 * @param version the agent's version (PULSE_VERSION, else the jar's, else "dev")
 * @param dispatchKeys DISPATCH_PUBLIC_KEY: the server nodes' dispatch public key(s), base64 X.509 or PEM,
 *     several separated by commas; dispatches are verified with these (and those of the file)
 * @param dispatchKeyFile DISPATCH_PUBLIC_KEY_FILE: a file of PEM public key(s), read at start, or null;
 *     one of the two is required
 * @param dispatchMaxAgeMs DISPATCH_MAX_AGE_MS (600000): how old a signed dispatch may be
 * @param allowedCommands WORKER_ALLOWED_COMMANDS: regexes a command must fully match, separated by
 *     newlines or ";;" (empty: every command is allowed)
 */
public record WorkerConfig(String name, List<String> groups, String apiKey, long heartbeatIntervalMs,
    int maxConcurrent, int queueSize, long outputCapBytes, long killGraceMs, long defaultTimeoutMs, Path stateDir,
    Path cwd, long busTimeoutMs, long shutdownGraceMs, long resultRetryMaxMs, String version,
    List<PublicKey> dispatchKeys, Path dispatchKeyFile, long dispatchMaxAgeMs, AllowList allowedCommands) {

  /** Parses the keys above; a bad value throws a one-line {@link ConfigException} naming the key. */
  public static WorkerConfig from(ConfigReader config) {
    String name = config.required("WORKER_NAME", "the name this worker is known by (the launcher sets it)");
    String apiKey = config.required("WORKER_API_KEY", "the enrolment key the registry accepts");
    long heartbeatMs = config.string("HEARTBEAT_INTERVAL_MS", null) != null
        ? config.number("HEARTBEAT_INTERVAL_MS", 30_000, 100, 3_600_000)
        : config.number("HEARTBEAT_INTERVAL", 30, 1, 3_600) * 1000;
    String cwd = config.string("WORKER_CWD", System.getProperty("user.home"));
    if (!Path.of(cwd).isAbsolute()) {
      throw new ConfigException("WORKER_CWD must be an absolute directory, got '" + cwd + "'");
    }
    String keyText = config.string("DISPATCH_PUBLIC_KEY", null);
    String keyFile = config.string("DISPATCH_PUBLIC_KEY_FILE", null);
    if (keyText == null && keyFile == null) {
      throw new ConfigException("DISPATCH_PUBLIC_KEY is required: the server's dispatch public key (base64, from"
          + " DATA_DIR/secrets/dispatch-ed25519.pub on a server node), or DISPATCH_PUBLIC_KEY_FILE naming that file");
    }
    return new WorkerConfig(
        name,
        Wire.commaList(config.string("WORKER_GROUPS", "")),
        apiKey,
        heartbeatMs,
        config.integer("MAX_CONCURRENT_TASKS", 5, 1, 1000),
        config.integer("TASK_QUEUE_SIZE", 1000, 0, 1_000_000),
        config.number("OUTPUT_CAP_BYTES", 1024 * 1024, 1024, 256L * 1024 * 1024),
        config.number("KILL_GRACE_MS", 2000, 0, 600_000),
        config.number("COMMAND_TIMEOUT", 300_000, 100, 7L * 24 * 3600 * 1000),
        Path.of(config.required("WORKER_STATE_DIR", "a directory for this worker's identity and outbox"))
            .toAbsolutePath(),
        Path.of(cwd),
        config.number("BUS_TIMEOUT_MS", 5000, 100, 600_000),
        config.number("SHUTDOWN_GRACE_MS", 30_000, 0, 3_600_000),
        config.number("RESULT_RETRY_MAX_MS", 30_000, 100, 3_600_000),
        config.string("PULSE_VERSION", packageVersion()),
        keyText == null ? List.of() : DispatchKeys.publicKeys(keyText, "DISPATCH_PUBLIC_KEY"),
        keyFile == null ? null : Path.of(keyFile).toAbsolutePath(),
        config.number("DISPATCH_MAX_AGE_MS", DispatchVerifier.DEFAULT_MAX_AGE_MS, 1_000, 86_400_000),
        AllowList.parse(config.string("WORKER_ALLOWED_COMMANDS", "")));
  }

  /** The trusted keys: DISPATCH_PUBLIC_KEY's and, when set, DISPATCH_PUBLIC_KEY_FILE's (blocking read). */
  public List<PublicKey> loadDispatchKeys() {
    if (dispatchKeyFile == null) {
      return dispatchKeys;
    }
    List<PublicKey> all = new java.util.ArrayList<>(dispatchKeys);
    all.addAll(DispatchKeys.readPublicKeys(dispatchKeyFile, "DISPATCH_PUBLIC_KEY_FILE"));
    return all;
  }

  /** Without WORKER_API_KEY, which is never logged. */
  @Override
  public String toString() {
    return "WorkerConfig[name=" + name + ", groups=" + groups + ", maxConcurrent=" + maxConcurrent + ", queueSize="
        + queueSize + ", stateDir=" + stateDir + ", dispatchKeys=" + dispatchKeys.size() + ", dispatchKeyFile="
        + dispatchKeyFile + ", dispatchMaxAgeMs=" + dispatchMaxAgeMs + ", allowedCommands=" + allowedCommands + "]";
  }

  private static String packageVersion() {
    String version = WorkerConfig.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
