package dev.pulse.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Notes that workers took their commands survive a deadlock with another write of the same rows. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AcceptanceNotesTest {

  /** MariaDB's answer to {@code NOWAIT} when the row is locked. */
  private static final int LOCK_WAIT = 1205;

  @Test
  void aNoteRolledBackToEndADeadlockIsWrittenAgain(Vertx vertx) {
    EngineFixture fx = new EngineFixture(vertx);
    for (int i = 0; i <= 10; i++) {
      fx.pool.preparedQuery("INSERT INTO commands (command_id, worker_id, command, timeout_ms, status)"
          + " VALUES (?, 'w-1', 'true', 1000, 'dispatched')").execute(Tuple.of("c-" + i)).await();
    }
    SqlConnection other = fx.pool.getConnection().await();
    try {
      Transaction transaction = other.begin().await();
      // The other write holds c-1 … c-10, ten changed rows: InnoDB ends a deadlock by rolling back
      // the transaction that changed fewer. A row at a time: one statement over a table this small
      // would scan, and lock, every row.
      for (int i = 1; i <= 10; i++) {
        bump(other, "c-" + i);
      }
      Future<Void> note = new CommandStore(fx.pool).markAccepted(List.of("c-0", "c-1"));
      EngineFixture.awaitTrue("the note holding c-0 (and waiting for c-1)", 10_000, () -> locked(fx, "c-0"));
      bump(other, "c-0");
      transaction.commit().await();

      note.await();
      List<String> statuses = new ArrayList<>();
      fx.pool.query("SELECT status FROM commands WHERE command_id IN ('c-0', 'c-1', 'c-2') ORDER BY command_id")
          .execute().await().forEach(row -> statuses.add(row.getString("status")));
      assertEquals(List.of("accepted", "accepted", "dispatched"), statuses);
    } finally {
      other.close().await();
    }
  }

  private static void bump(SqlConnection connection, String id) {
    connection.preparedQuery("UPDATE commands SET timeout_ms = timeout_ms + 1 WHERE command_id = ?")
        .execute(Tuple.of(id)).await();
  }

  /** Whether another transaction holds a lock on command {@code id}'s row. */
  private static boolean locked(EngineFixture fx, String id) {
    return fx.pool.withTransaction(connection -> connection
            .preparedQuery("SELECT command_id FROM commands WHERE command_id = ? FOR UPDATE NOWAIT")
            .execute(Tuple.of(id)))
        .map(free -> false)
        .otherwise(failure -> failure instanceof MySQLException sql && sql.getErrorCode() == LOCK_WAIT)
        .await();
  }
}
