package dev.pulse.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A database an older PULSE created (only V1) is moved forward by the current migrations, rows intact. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MigrationUpgradeTest {

  // testkit depends on this module, so this test starts the embedded server itself.
  private static EmbeddedMariaDb server;
  private Vertx vertx;
  private Pool pool;

  @BeforeAll
  static void startServer() {
    server = EmbeddedMariaDb.start(Path.of(System.getProperty("pulse.test.dataDir", "target/test-data"))
        .toAbsolutePath().resolve("mariadb"), "pulse");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    DbConfig base = server.config();
    String name = "pulse_up" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Pool admin = Database.pool(vertx, base);
    admin.query("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4").execute().await();
    admin.close().await();
    pool = Database.pool(vertx, new DbConfig(base.host(), base.port(), name, base.user(), base.password(), 2));
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void aVersionOneDatabaseIsMovedForwardWithItsRowsIntact() {
    assertEquals(List.of(1), Migrations.apply(pool, 1).await());
    assertTrue(indexes().isEmpty(), "V1 has no retention indexes yet: " + indexes());
    pool.query("INSERT INTO workflows (id, name, definition) VALUES ('w1', 'deploy', '{\"steps\":[]}')")
        .execute().await();
    pool.query("INSERT INTO executions (id, workflow_id, status, started_at, completed_at, logs)"
        + " VALUES ('e1', 'w1', 'completed', NOW(), NOW(), '[]')").execute().await();
    pool.query("INSERT INTO commands (command_id, execution_id, step_index, worker_id, command, timeout_ms, status)"
        + " VALUES ('c1', 'e1', 0, 'wk1', 'uptime', 1000, 'completed'),"
        + " ('c2', NULL, -1, 'wk1', 'df -h', 1000, 'dispatched')").execute().await();
    pool.query("INSERT INTO audit_log (actor, action, target_type, target_id) VALUES ('admin', 'workflow.create',"
        + " 'workflow', 'w1')").execute().await();

    assertEquals(List.of(2, 3, 4, 5), Migrations.apply(pool).await());

    assertEquals(List.of(1, 2, 3, 4, 5), versions());
    assertEquals(List.of("commands.idx_cmd_direct_ended", "executions.idx_exec_ended"), indexes());
    assertEquals("null", scalar("SELECT parent_id FROM executions WHERE id = 'e1'"), "V4 adds parent_id, empty");
    assertEquals("deploy", scalar("SELECT name FROM workflows WHERE id = 'w1'"));
    assertEquals("completed", scalar("SELECT status FROM executions WHERE id = 'e1'"));
    assertEquals("2", scalar("SELECT COUNT(*) FROM commands"));
    assertEquals("workflow.create", scalar("SELECT action FROM audit_log WHERE target_id = 'w1'"));
  }

  @Test
  void applyingAgainChangesNothing() {
    Migrations.apply(pool).await();
    assertTrue(Migrations.apply(pool).await().isEmpty());
    assertEquals(List.of(1, 2, 3, 4, 5), versions());
  }

  @Test
  void theRetentionMigrationRunsAgainOverItsOwnIndexes() {
    Migrations.apply(pool).await();
    // As if the server died after creating the indexes but before recording V2.
    pool.preparedQuery("DELETE FROM schema_version WHERE version = ?").execute(Tuple.of(2)).await();
    assertEquals(List.of(2), Migrations.apply(pool).await());
    assertEquals(2, indexes().size());
  }

  @Test
  void theChildExecutionsMigrationRunsAgainOverItsOwnColumn() {
    Migrations.apply(pool).await();
    pool.preparedQuery("DELETE FROM schema_version WHERE version = ?").execute(Tuple.of(4)).await();
    assertEquals(List.of(4), Migrations.apply(pool).await());
  }

  @Test
  void theExecutionPartsMigrationRunsAgainOverItsOwnTables() {
    Migrations.apply(pool).await();
    pool.preparedQuery("DELETE FROM schema_version WHERE version = ?").execute(Tuple.of(5)).await();
    assertEquals(List.of(5), Migrations.apply(pool).await());
  }

  private List<Integer> versions() {
    List<Integer> out = new ArrayList<>();
    for (Row row : pool.query("SELECT version FROM schema_version ORDER BY version").execute().await()) {
      out.add(row.getInteger(0));
    }
    return out;
  }

  private List<String> indexes() {
    List<String> out = new ArrayList<>();
    for (Row row : pool.query("SELECT DISTINCT CONCAT(TABLE_NAME, '.', INDEX_NAME) AS idx"
        + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
        + " AND INDEX_NAME IN ('idx_exec_ended', 'idx_cmd_direct_ended') ORDER BY idx").execute().await()) {
      out.add(row.getString(0));
    }
    return out;
  }

  private String scalar(String sql) {
    return String.valueOf(pool.query(sql).execute().await().iterator().next().getValue(0));
  }
}
