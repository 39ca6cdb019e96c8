package dev.pulse.launcher;

import dev.pulse.contracts.ConfigReader;
import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.storage.EmbeddedMariaDb;
import dev.pulse.storage.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.HashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything in one non-clustered Vert.x: API, engine, registry and one local worker. Without
 * DB_HOST an embedded MariaDB keeps its data under DATA_DIR/mariadb across restarts.
 */
final class DevMode {

  private static final Logger LOG = LoggerFactory.getLogger(DevMode.class);

  private DevMode() {
  }

  static Launched start(LaunchOptions options) {
    return start(Settings.load(options.configFile()));
  }

  /** Starts dev mode with already-merged settings (tests pass their own). */
  static Launched start(JsonObject settings) {
    long began = System.nanoTime();
    ConfigReader reader = new ConfigReader(settings);
    Path dataDir = Path.of(reader.string("DATA_DIR", "data")).toAbsolutePath();
    settings.put("AUTH_MODE", reader.string("AUTH_MODE", "dev"));
    settings.put("PULSE_VERSION", Version.current());
    Secrets.ensure(settings, dataDir, "WORKER_API_KEY");
    Secrets.ensure(settings, dataDir, "SECRET_KEY");
    Secrets.ensureDispatchKeys(settings, dataDir, true);
    Preflight.server(settings, new HashSet<>(LaunchOptions.ALL_ROLES), reader.string("DB_HOST", null) == null);
    Preflight.worker(localWorker(settings));
    EmbeddedMariaDb embedded = null;
    if (reader.string("DB_HOST", null) == null) {
      embedded = EmbeddedMariaDb.start(dataDir.resolve("mariadb"), reader.string("DB_NAME", "pulse"));
      settings.mergeIn(embedded.config().toConfig());
    }
    Vertx vertx = Observability.builder(new io.vertx.core.VertxOptions()).build();
    try {
      DbConfig db = DbConfig.from(new ConfigReader(settings));
      migrate(vertx, db);
      int port = Roles.deployServer(vertx, settings, new HashSet<>(LaunchOptions.ALL_ROLES));
      Workers.deploy(vertx, localWorker(settings), 1);
      LOG.info("PULSE {} dev mode ready in {} ms: dashboard and API on http://localhost:{}", Version.current(),
          (System.nanoTime() - began) / 1_000_000, port);
      return new Launched(vertx, embedded, port, db);
    } catch (RuntimeException e) {
      vertx.close().await();
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** The local worker's settings: the server's, with the public dispatch key but not the private one. */
  private static JsonObject localWorker(JsonObject settings) {
    JsonObject worker = settings.copy();
    worker.remove("DISPATCH_PRIVATE_KEY");
    return worker;
  }

  static void migrate(Vertx vertx, DbConfig db) {
    Pool pool = Database.pool(vertx, db, "pulse-db-migrations");
    try {
      Migrations.apply(pool).await();
    } finally {
      pool.close().await();
    }
  }
}
