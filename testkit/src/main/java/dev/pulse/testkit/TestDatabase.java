package dev.pulse.testkit;

import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.storage.EmbeddedMariaDb;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A real MariaDB for tests: one embedded server per test JVM (or the server named by
 * {@code PULSE_TEST_DB_HOST}/{@code _PORT}/{@code _USER}/{@code _PASSWORD}), and a fresh,
 * empty database for each caller so tests never see each other's rows.
 */
public final class TestDatabase {

  private static DbConfig server;

  private TestDatabase() {
  }

  /** A new empty database on the shared test server. */
  public static synchronized DbConfig fresh() {
    DbConfig base = server();
    String name = "pulse_t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.pool(vertx, new DbConfig(base.host(), base.port(), base.database(), base.user(),
          base.password(), 1));
      pool.query("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4").execute().await();
      pool.close().await();
    } finally {
      vertx.close().await();
    }
    return new DbConfig(base.host(), base.port(), name, base.user(), base.password(), 4);
  }

  /** The shared server, started on first use and stopped when the JVM exits. */
  public static synchronized DbConfig server() {
    if (server == null) {
      String host = System.getenv("PULSE_TEST_DB_HOST");
      if (host != null && !host.isBlank()) {
        server = new DbConfig(host, Integer.parseInt(System.getenv().getOrDefault("PULSE_TEST_DB_PORT", "3306")),
            System.getenv().getOrDefault("PULSE_TEST_DB_NAME", "pulse"),
            System.getenv().getOrDefault("PULSE_TEST_DB_USER", "pulse"),
            System.getenv().getOrDefault("PULSE_TEST_DB_PASSWORD", ""), 4);
      } else {
        EmbeddedMariaDb db = EmbeddedMariaDb.start(dataDir().resolve("mariadb"), "pulse");
        Runtime.getRuntime().addShutdownHook(new Thread(db::close, "test-mariadb-stop"));
        server = db.config();
      }
    }
    return server;
  }

  /** Where tests keep files: {@code pulse.test.dataDir} (the module's target/test-data). */
  public static Path dataDir() {
    return Path.of(System.getProperty("pulse.test.dataDir", "target/test-data")).toAbsolutePath();
  }
}
