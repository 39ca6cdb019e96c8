package dev.pulse.launcher;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.storage.DbConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A clustered server node running the roles given, against an external MariaDB. */
final class ServerMode {

  private static final Logger LOG = LoggerFactory.getLogger(ServerMode.class);

  private ServerMode() {
  }

  static Launched start(LaunchOptions options) {
    return start(Settings.load(options.configFile()), options.roles());
  }

  /** Starts a server node with already-merged settings (tests pass their own). */
  static Launched start(JsonObject settings, Set<String> roles) {
    ConfigReader reader = new ConfigReader(settings);
    if (reader.string("AUTH_MODE", "sso").equals("dev")) {
      throw new ConfigException("AUTH_MODE=dev is for 'pulse dev' only; a server trusts SSO headers (AUTH_MODE=sso)");
    }
    settings.put("AUTH_MODE", "sso");
    settings.put("PULSE_VERSION", Version.current());
    Path dataDir = Path.of(reader.string("DATA_DIR", "data")).toAbsolutePath();
    DbConfig db = DbConfig.from(reader);
    Secrets.ensure(settings, dataDir, "WORKER_API_KEY");
    Secrets.ensure(settings, dataDir, "SECRET_KEY");
    // Every server role holds the dispatch key: engine and registry sign commands with it, and the
    // API grants its bus requests with a key derived from it (BusGrants).
    Secrets.ensureDispatchKeys(settings, dataDir, false);
    Preflight.server(settings, roles, false);
    Vertx vertx = ClusterFactory.join(reader, false);
    try {
      DevMode.migrate(vertx, db);
      int port = Roles.deployServer(vertx, settings, roles);
      LOG.info("PULSE {} server node ready with roles {}{}", Version.current(), roles,
          port > 0 ? " (HTTP on port " + port + ")" : "");
      return new Launched(vertx, null, port, db);
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }
}
