package dev.pulse.launcher;

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
  static Launched start(JsonObject settings, int instances) {
    ConfigReader reader = new ConfigReader(settings);
    settings.put("PULSE_VERSION", Version.current());
    reader.required("WORKER_API_KEY", "the enrolment key the registry accepts (the server's WORKER_API_KEY)");
    Preflight.worker(settings);
    Vertx vertx = ClusterFactory.join(reader, true);
    try {
      Workers.deploy(vertx, settings, instances);
      LOG.info("PULSE {} worker node ready with {} worker(s)", Version.current(), instances);
      return new Launched(vertx, null, -1, null);
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }
}
