package dev.pulse.launcher;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A clustered worker node: a Hazelcast lite member hosting one or more worker agents. */
final class WorkerMode {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerMode.class);

  private WorkerMode() {
  }

  static Launched start(LaunchOptions options) {
    return start(Settings.load(options.configFile()), options.instances());
  }

  /** Starts a worker node with already-merged settings (tests pass their own). */
  private static final long FIRST_JOIN_RETRY_MS = 1_000;
  private static final long MAX_JOIN_RETRY_MS = 30_000;

  static Launched start(JsonObject settings, int instances) {
    ConfigReader reader = new ConfigReader(settings);
    settings.put("PULSE_VERSION", Version.current());
    reader.required("WORKER_API_KEY", "the enrolment key the registry accepts (the server's WORKER_API_KEY)");
    Preflight.worker(settings);
    Vertx vertx = joinWithRetry(reader);
    try {
      Workers.deploy(vertx, settings, instances);
      LOG.info("PULSE {} worker node ready with {} worker(s)", Version.current(), instances);
      return new Launched(vertx, null, -1, null);
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }

  /**
   * A worker host may boot while the servers are unreachable (its network is still coming up, or
   * cut off): the agent keeps trying with backoff, as it does once joined, rather than exit.
   * Configuration mistakes still fail at once.
   */
  private static Vertx joinWithRetry(ConfigReader reader) {
    long delayMs = FIRST_JOIN_RETRY_MS;
    while (true) {
      try {
        return ClusterFactory.join(reader, true);
      } catch (ConfigException e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.warn("Cannot join the PULSE cluster yet ({}); retrying in {} ms", e.getMessage(), delayMs);
        try {
          Thread.sleep(delayMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        delayMs = Math.min(delayMs * 2, MAX_JOIN_RETRY_MS);
      }
    }
  }
}
