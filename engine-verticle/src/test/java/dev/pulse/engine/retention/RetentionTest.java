package dev.pulse.engine.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.engine.EngineConfig;
import dev.pulse.engine.fixture.EngineFixture;
import dev.pulse.engine.fixture.FakeFleet;
import dev.pulse.engine.retention.Retention.Pruned;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Old ended executions, finished direct commands and audit rows go, in batches; nothing active ever does. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetentionTest {

  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.pool.query("INSERT INTO workflows (id, name, definition) VALUES ('w1', 'wf', '{\"steps\":[]}')").execute()
        .await();
  }

  @Test
  void onlyEndedExecutionsOlderThanTheLimitGoAndTheirCommandsWithThem() {
    execution("old-completed", "completed", 100, 2);
    execution("old-failed", "failed", 91, 1);
    execution("old-cancelled", "cancelled", 365, 1);
    execution("old-running", "running", null, 2);
    execution("old-waiting", "waiting_for_input", null, 1);
    execution("old-pending", "pending", null, 0);
    execution("recent-completed", "completed", 89, 2);
    direct("old-done", "completed", 100);
    direct("old-lost", "failed", 200);
    direct("old-open", "dispatched", null);
    direct("recent-done", "completed", 10);
    audit("old", 100);
    audit("older", 400);
    audit("recent", 1);

    Pruned pruned = new Retention(fx.pool, 90, Retention.BATCH).prune().await();

    assertEquals(new Pruned(3, 4, 2, 2), pruned);
    assertEquals(List.of("old-pending", "old-running", "old-waiting", "recent-completed"),
        ids("SELECT id FROM executions ORDER BY id"));
    assertEquals(List.of("old-open", "old-running", "old-waiting", "recent-completed", "recent-done"),
        ids("SELECT COALESCE(execution_id, command_id) FROM commands GROUP BY 1 ORDER BY 1"));
    assertEquals(List.of("recent-done"), ids("SELECT command_id FROM commands WHERE execution_id IS NULL"
        + " AND completed_at IS NOT NULL"));
    assertEquals(List.of("recent"), ids("SELECT target_id FROM audit_log"));
    assertEquals(new Pruned(0, 0, 0, 0), new Retention(fx.pool, 90, Retention.BATCH).prune().await());
  }

  @Test
  void smallBatchesStillRemoveEverythingOld() {
    for (int i = 0; i < 5; i++) {
      execution("e" + i, "completed", 100 + i, 3);
      direct("d" + i, "completed", 100 + i);
      audit("a" + i, 100 + i);
    }
    execution("kept", "completed", 1, 1);

    assertEquals(new Pruned(5, 15, 5, 5), new Retention(fx.pool, 90, 2).prune().await());
    assertEquals(List.of("kept"), ids("SELECT id FROM executions"));
    assertEquals(List.of("kept"), ids("SELECT execution_id FROM commands"));
    assertTrue(ids("SELECT target_id FROM audit_log").isEmpty());
  }

  @Test
  void zeroDaysKeepsEverything() {
    execution("ancient", "completed", 3650, 1);
    direct("ancient-direct", "completed", 3650);
    audit("ancient", 3650);

    assertEquals(new Pruned(0, 0, 0, 0), new Retention(fx.pool, 0, Retention.BATCH).prune().await());
    assertEquals(List.of("ancient"), ids("SELECT id FROM executions"));
    assertEquals(2, ids("SELECT command_id FROM commands").size());
    assertEquals(List.of("ancient"), ids("SELECT target_id FROM audit_log"));
  }

  @Test
  void aPassWhileAnotherNodePrunesLeavesItToThatNode() {
    execution("old", "completed", 100, 1);
    SqlConnection other = fx.pool.getConnection().await();
    other.query("SELECT GET_LOCK(CONCAT('pulse.retention.', DATABASE()), 0)").execute().await();

    assertEquals(new Pruned(0, 0, 0, 0), new Retention(fx.pool, 90, Retention.BATCH).prune().await());
    assertEquals(List.of("old"), ids("SELECT id FROM executions"));

    other.close().await();
    assertEquals(1, new Retention(fx.pool, 90, Retention.BATCH).prune().await().executions());
  }

  @Test
  void aDeployedEnginePrunesOnItsTimer() {
    execution("old", "completed", 100, 1);
    audit("old", 100);
    fx.with("RETENTION_CHECK_MS", 1_000).deployEngine();

    EngineFixture.awaitTrue("old rows pruned", 15_000, () -> ids("SELECT id FROM executions").isEmpty()
        && ids("SELECT target_id FROM audit_log").isEmpty() && ids("SELECT command_id FROM commands").isEmpty());
  }

  @Test
  void configDefaultsToNinetyDaysHourly() {
    EngineConfig config = EngineConfig.from(config());
    assertEquals(90, config.retentionDays());
    assertEquals(3_600_000, config.retentionCheckMs());
    assertEquals(0, EngineConfig.from(config().put("RETENTION_DAYS", "0")).retentionDays());
  }

  @Test
  void badRetentionValuesAreRejectedNamingTheKey() {
    for (String key : List.of("RETENTION_DAYS", "RETENTION_CHECK_MS")) {
      for (Object bad : List.of(-1, "ninety", "1.5")) {
        ConfigException e = assertThrows(ConfigException.class, () -> EngineConfig.from(config().put(key, bad)));
        assertTrue(e.getMessage().startsWith(key + " "), e.getMessage());
      }
    }
  }

  private JsonObject config() {
    return fx.db.toConfig().put("DISPATCH_PRIVATE_KEY", DispatchKeys.base64(FakeFleet.DISPATCH_KEYS.getPrivate()));
  }

  /** An execution that ended {@code endedDaysAgo} days ago (null: still active), with step commands. */
  private void execution(String id, String status, Integer endedDaysAgo, int commands) {
    String ended = endedDaysAgo == null ? "NULL" : "NOW(3) - INTERVAL " + endedDaysAgo + " DAY";
    fx.pool.preparedQuery("INSERT INTO executions (id, workflow_id, status, started_at, completed_at, created_at, logs)"
            + " VALUES (?, 'w1', ?, NOW() - INTERVAL 400 DAY, " + ended + ", NOW(3) - INTERVAL 400 DAY, '[]')")
        .execute(Tuple.of(id, status)).await();
    for (int i = 0; i < commands; i++) {
      fx.pool.preparedQuery("INSERT INTO commands (command_id, execution_id, step_index, worker_id, command,"
              + " timeout_ms, status, created_at, completed_at) VALUES (?, ?, ?, 'wk', 'true', 1000, ?,"
              + " NOW(3) - INTERVAL 400 DAY, " + ended + ")")
          .execute(Tuple.of(id + "-c" + i, id, i, endedDaysAgo == null ? "accepted" : "completed")).await();
    }
  }

  /** A direct command that finished {@code endedDaysAgo} days ago (null: still waiting). */
  private void direct(String id, String status, Integer endedDaysAgo) {
    String ended = endedDaysAgo == null ? "NULL" : "NOW(3) - INTERVAL " + endedDaysAgo + " DAY";
    fx.pool.preparedQuery("INSERT INTO commands (command_id, execution_id, step_index, worker_id, command, timeout_ms,"
            + " status, created_at, completed_at) VALUES (?, NULL, -1, 'wk', 'uptime', 1000, ?,"
            + " NOW(3) - INTERVAL 400 DAY, " + ended + ")")
        .execute(Tuple.of(id, status)).await();
  }

  private void audit(String targetId, int daysAgo) {
    fx.pool.preparedQuery("INSERT INTO audit_log (at, actor, action, target_type, target_id)"
            + " VALUES (NOW(3) - INTERVAL ? DAY, 'admin', 'execution.start', 'execution', ?)")
        .execute(Tuple.of(daysAgo, targetId)).await();
  }

  private List<String> ids(String sql) {
    List<String> out = new ArrayList<>();
    fx.pool.query(sql).execute().await().forEach(row -> out.add(String.valueOf(row.getValue(0))));
    return out;
  }
}
