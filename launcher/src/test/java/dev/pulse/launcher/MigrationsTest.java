package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import dev.pulse.storage.Migrations;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MigrationsTest {

  private Vertx vertx;
  private DbConfig db;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    db = TestDatabase.fresh();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void migrationsApplyOnceAndASecondRunChangesNothing() {
    Pool pool = Database.pool(vertx, db);
    List<Integer> first = Migrations.apply(pool).await();
    List<Integer> second = Migrations.apply(pool).await();
    assertEquals(Migrations.ALL.size(), first.size());
    assertTrue(second.isEmpty(), "nothing left to apply: " + second);
    List<String> tables = new ArrayList<>();
    for (Row row : pool.query("SHOW TABLES").execute().await()) {
      tables.add(row.getString(0));
    }
    assertTrue(tables.containsAll(List.of("users", "workers", "workflows", "executions", "schema_version")), tables.toString());
    long versions = pool.query("SELECT COUNT(*) FROM schema_version").execute().await().iterator().next().getLong(0);
    assertEquals(Migrations.ALL.size(), versions);
  }

  @Test
  void twoServersMigratingAtOnceApplyEachVersionOnce() {
    Pool a = Database.pool(vertx, db);
    Pool b = Database.pool(vertx, db);
    List<List<Integer>> results = Future.all(Migrations.apply(a), Migrations.apply(b)).await().list();
    int applied = results.stream().mapToInt(List::size).sum();
    assertEquals(Migrations.ALL.size(), applied, "each version applied by exactly one of them: " + results);
  }

  @Test
  void seedColumnsExistAsTheSpecNamesThem() {
    Pool pool = Database.pool(vertx, db);
    Migrations.apply(pool).await();
    List<String> columns = new ArrayList<>();
    for (Row row : pool.query("SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) FROM information_schema.COLUMNS"
        + " WHERE TABLE_SCHEMA = DATABASE()").execute().await()) {
      columns.add(row.getString(0));
    }
    for (String column : List.of("users.id", "users.username", "users.display_name", "users.email", "users.groups",
        "users.last_login", "users.created_at", "workers.id", "workers.name", "workers.status",
        "workers.last_heartbeat", "workers.api_key", "workers.metadata", "workflows.id", "workflows.name",
        "workflows.description", "workflows.definition", "workflows.created_by", "workflows.created_at",
        "workflows.updated_at", "executions.id", "executions.workflow_id", "executions.status",
        "executions.started_by", "executions.started_at", "executions.completed_at", "executions.logs")) {
      assertTrue(columns.contains(column), "missing " + column);
    }
  }
}
