package dev.pulse.registry.commands;

import dev.pulse.contracts.CommandResult;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

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

  /** A local workflow run's {@code command} column is its summary (see {@link LocalWorkflows#summary}). */
  private static final String WAITING = "SELECT command_id, worker_id, worker_name, JSON_VALID(command) = 1"
      + " AND JSON_VALUE(command, '$.type') = 'execute_workflow' AS workflow FROM commands";

  /** A direct command or local workflow run, by owner. */
  record Waiting(String commandId, String workerId, String workerName, boolean workflow) {
  }

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

  /** The direct commands and local workflow runs of one worker that still wait for a result. */
  Future<List<Waiting>> waitingOn(String workerId) {
    return pool.preparedQuery(WAITING + " WHERE worker_id = ? AND execution_id IS NULL AND status = 'dispatched'")
        .execute(Tuple.of(workerId))
        .map(CommandStore::waiting)
        .recover(Database::unavailable);
  }

  /** At start: the waiting direct commands and local workflow runs of workers that are offline, revoked or gone. */
  Future<List<Waiting>> orphans() {
    return pool.preparedQuery(WAITING + " c LEFT JOIN workers w ON w.id = c.worker_id"
            + " WHERE c.execution_id IS NULL AND c.status = 'dispatched'"
            + " AND (w.id IS NULL OR w.status IN ('offline', 'revoked'))")
        .execute()
        .map(CommandStore::waiting)
        .recover(Database::unavailable);
  }

  /** Who a direct command or local workflow run belongs to, or null when there is no such row. */
  Future<Waiting> owner(String commandId) {
    return pool.preparedQuery(WAITING + " WHERE command_id = ? AND execution_id IS NULL")
        .execute(Tuple.of(commandId))
        .map(rows -> {
          List<Waiting> found = waiting(rows);
          return found.isEmpty() ? null : found.get(0);
        })
        .recover(Database::unavailable);
  }

  private static List<Waiting> waiting(RowSet<Row> rows) {
    List<Waiting> found = new ArrayList<>();
    for (Row row : rows) {
      Integer workflow = row.getInteger("workflow");
      found.add(new Waiting(row.getString("command_id"), row.getString("worker_id"), row.getString("worker_name"),
          workflow != null && workflow == 1));
    }
    return found;
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
