package dev.pulse.registry.commands;

import dev.pulse.contracts.CommandResult;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;

/** The direct commands' rows in the {@code commands} table ({@code execution_id IS NULL}). */
final class CommandStore {

  static final String DISPATCHED = "dispatched";
  static final String COMPLETED = "completed";
  static final String FAILED = "failed";

  /**
   * The only condition under which a result is written: the command still waits for one, or it
   * holds a marker the registry wrote because it stopped hoping (see {@link DirectCommands}).
   */
  private static final String OPEN = "execution_id IS NULL AND (status = 'dispatched' OR (status = 'failed'"
      + " AND JSON_VALUE(result, '$.error') IN ('" + String.join("', '", DirectCommands.MARKERS) + "')))";

  private final Pool pool;

  CommandStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> insert(String commandId, String workerId, String workerName, String command, long timeoutMs,
      String requestedBy) {
    return pool.preparedQuery("INSERT INTO commands (command_id, execution_id, step_index, worker_id, worker_name,"
            + " command, timeout_ms, status, requested_by) VALUES (?, NULL, -1, ?, ?, ?, ?, ?, ?)")
        .execute(Tuple.of(commandId, workerId, workerName, command, timeoutMs, DISPATCHED, requestedBy))
        .<Void>mapEmpty()
        .recover(Database::unavailable);
  }

  /** Stores a result (wire form) under {@code commandId} unless one was stored already; yields whether it counted. */
  Future<Boolean> recordResult(String commandId, boolean success, JsonObject result) {
    return pool.preparedQuery("UPDATE commands SET status = ?, result = ?, completed_at = NOW(3)"
            + " WHERE command_id = ? AND " + OPEN)
        .execute(Tuple.of(success ? COMPLETED : FAILED, result.encode(), commandId))
        .map(rows -> rows.rowCount() > 0)
        .recover(Database::unavailable);
  }

  /** Stores a result unless one was stored already; yields whether this one counted. */
  Future<Boolean> recordResult(CommandResult result) {
    return pool.preparedQuery("UPDATE commands SET status = ?, result = ?, completed_at = NOW(3)"
            + " WHERE command_id = ? AND " + OPEN)
        .execute(Tuple.of(result.success() ? COMPLETED : FAILED, result.toJson().encode(), result.commandId()))
        .map(rows -> rows.rowCount() > 0)
        .recover(Database::unavailable);
  }

  /** Fails a command that still waits, with a marker result a real result may later replace. */
  Future<Boolean> markFailed(String commandId, JsonObject marker) {
    return pool.preparedQuery("UPDATE commands SET status = 'failed', result = ?, completed_at = NOW(3)"
            + " WHERE command_id = ? AND execution_id IS NULL AND status = 'dispatched'")
        .execute(Tuple.of(marker.encode(), commandId))
        .map(rows -> rows.rowCount() > 0)
        .recover(Database::unavailable);
  }

  /** Fails every waiting direct command of one worker with the marker (its command_id filled in). */
  Future<Integer> markWorkerLost(String workerId, JsonObject marker) {
    return pool.preparedQuery("UPDATE commands SET status = 'failed', completed_at = NOW(3),"
            + " result = JSON_SET(?, '$.command_id', command_id)"
            + " WHERE worker_id = ? AND execution_id IS NULL AND status = 'dispatched'")
        .execute(Tuple.of(marker.encode(), workerId))
        .map(rows -> rows.rowCount())
        .recover(Database::unavailable);
  }

  /** At start: fails the waiting direct commands of workers that are offline, revoked or gone. */
  Future<Integer> markOrphansLost(JsonObject marker) {
    return pool.preparedQuery("UPDATE commands c LEFT JOIN workers w ON w.id = c.worker_id"
            + " SET c.status = 'failed', c.completed_at = NOW(3),"
            + " c.result = JSON_SET(?, '$.command_id', c.command_id, '$.worker_id', c.worker_id)"
            + " WHERE c.execution_id IS NULL AND c.status = 'dispatched'"
            + " AND (w.id IS NULL OR w.status IN ('offline', 'revoked'))")
        .execute(Tuple.of(marker.encode()))
        .map(rows -> rows.rowCount())
        .recover(Database::unavailable);
  }

  /** One direct command in its reply form, or null. */
  Future<JsonObject> get(String commandId) {
    return pool.preparedQuery("SELECT command_id, worker_id, worker_name, command, timeout_ms, status, requested_by,"
            + " result, created_at, completed_at FROM commands WHERE command_id = ? AND execution_id IS NULL")
        .execute(Tuple.of(commandId))
        .map(rows -> {
          RowIterator<Row> it = rows.iterator();
          if (!it.hasNext()) {
            return null;
          }
          Row row = it.next();
          return new JsonObject().put("command_id", row.getString("command_id"))
              .put("worker_id", row.getString("worker_id")).put("worker_name", row.getString("worker_name"))
              .put("command", row.getString("command")).put("timeout", row.getLong("timeout_ms"))
              .put("status", row.getString("status")).put("requested_by", row.getString("requested_by"))
              .put("created_at", Database.instant(row, "created_at"))
              .put("completed_at", Database.instant(row, "completed_at"))
              .put("result", Database.jsonObject(row, "result"));
        })
        .recover(Database::unavailable);
  }
}
