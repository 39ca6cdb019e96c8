package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DevModeTest {

  private static JsonObject settings(Path dataDir) {
    return Settings.defaults().put("DATA_DIR", dataDir.toString()).put("PORT", 0)
        .put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "dev-local");
  }

  @Test
  void devModeServesHealthWithEmbeddedDatabaseAndKeepsDataAcrossRestart() throws Exception {
    Path dataDir = TestDatabase.dataDir().resolve("dev-" + UUID.randomUUID());
    String username = "alice-" + UUID.randomUUID().toString().substring(0, 8);

    Launched first = DevMode.start(settings(dataDir));
    try (Http http = new Http(first.httpPort())) {
      Http.Response health = http.get("/health");
      assertEquals(200, health.status(), health.body());
      JsonObject body = health.json();
      assertEquals("ok", body.getString("status"));
      assertEquals("connected", body.getString("database"));
      assertEquals("dev", body.getString("auth"));
      assertTrue(body.getString("timestamp").endsWith("Z"));
      Http.Response user = http.get("/api/user", Map.of("Remote-User", username, "Remote-Groups", "employee",
          "Remote-Name", "Alice", "Remote-Email", "alice@example.com"));
      assertEquals(200, user.status(), user.body());
      assertEquals("employee", user.json().getString("role"));
      Http.Response metrics = http.get("/metrics");
      assertEquals(200, metrics.status());
      assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM meters are exported");
      assertTrue(metrics.body().contains("vertx_http_server_requests_total"), "HTTP meters are exported");
    } finally {
      first.close();
    }
    Path credentials = dataDir.resolve("mariadb/credentials");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dataDir.resolve("secrets/WORKER_API_KEY"))));

    Launched second = DevMode.start(settings(dataDir));
    try (Http http = new Http(second.httpPort())) {
      assertEquals(200, http.get("/health").status());
      assertEquals(1, countUsers(second.db(), username), "the user row written before the restart is still there");
    } finally {
      second.close();
    }
  }

  /** Reads the embedded database directly, with the credentials dev mode generated. */
  private static long countUsers(DbConfig db, String username) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.pool(vertx, db);
      long count = pool.preparedQuery("SELECT COUNT(*) AS n FROM users WHERE username = ?")
          .execute(Tuple.of(username)).await().iterator().next().getLong("n");
      pool.close().await();
      return count;
    } finally {
      vertx.close().await();
    }
  }
}
