package dev.pulse.launcher;

import dev.pulse.api.ApiConfig;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.engine.EngineConfig;
import dev.pulse.registry.RegistryConfig;
import dev.pulse.worker.WorkerConfig;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Parses every role's settings before anything starts, so that a bad value stops start-up with
 * one line naming the key instead of failing later, half-started. The verticles parse the same
 * records again at deployment; this only moves the first failure to the front.
 */
final class Preflight {

  private Preflight() {
  }

  /**
   * Checks the server roles' settings.
   *
   * @param embeddedDb true in dev mode without DB_HOST: the embedded database supplies the DB_*
   *     keys later, so placeholders stand in for them here
   */
  static void server(JsonObject settings, Set<String> roles, boolean embeddedDb) {
    JsonObject checked = settings.copy();
    if (embeddedDb) {
      checked.put("DB_HOST", "127.0.0.1").put("DB_PASSWORD", "embedded");
    }
    ConfigReader reader = new ConfigReader(checked);
    if (roles.contains("api")) {
      ApiConfig.from(reader);
    }
    if (roles.contains("registry")) {
      RegistryConfig.from(checked);
    }
    if (roles.contains("engine")) {
      EngineConfig.from(checked);
    }
  }

  /**
   * Checks a worker's settings (name and state directory are set per instance at deployment),
   * reading DISPATCH_PUBLIC_KEY_FILE now so that a missing or bad key file stops start-up here.
   */
  static void worker(JsonObject settings) {
    WorkerConfig.from(new ConfigReader(settings.copy().put("WORKER_NAME", "preflight")
        .put("WORKER_STATE_DIR", "preflight"))).loadDispatchKeys();
  }
}
