package dev.pulse.engine.store;

import dev.pulse.contracts.CommandResult;
import dev.pulse.engine.decide.Action;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Step commands in the shared {@code commands} table (rows with {@code execution_id} set). It is
 * also the engine's inbox: a worker's result is written here first, whichever engine node
 * receives it, and the first result per {@code command_id} wins.
 *
 * <p>Statuses the engine writes: {@code dispatched} (recorded, being sent), {@code accepted} (the
 * worker took it), {@code completed} / {@code failed} (a result, or a close without one).
 */
public final class CommandStore {

  /** Most command rows one INSERT writes. */
  private static final int ROWS_PER_INSERT = 50;
  private static final String RECORD_FOR_EXECUTION = "UPDATE commands SET status = ?, result = ?,"
      + " completed_at = NOW(3) WHERE command_id = ? AND execution_id = ? AND result IS NULL";

  private final Pool pool;

  public CommandStore(Pool pool) {
    this.pool = pool;
  }

  /** A command row as the engine needs it after a restart. */
  public record Command(String commandId, String executionId, String status, JsonObject result) {
  }

  Future<Void> insert(SqlConnection connection, String executionId, List<Action.Dispatch> dispatches,
      String requestedBy) {
    // Many rows a statement: a fan-out to 200 workers is four statements, not 200.
    return Database.inChunks(dispatches, ROWS_PER_INSERT, chunk -> {
      List<Object> values = new ArrayList<>();
      for (Action.Dispatch d : chunk) {
        values.addAll(Arrays.asList(d.commandId(), executionId, d.step(), d.workerId(), d.workerName(), d.command(),
            d.timeoutMs(), requestedBy));
      }
      return connection.preparedQuery("INSERT INTO commands (command_id, execution_id, step_index, worker_id,"
              + " worker_name, command, timeout_ms, status, requested_by) VALUES "
              + Database.placeholders(chunk.size(), "(?, ?, ?, ?, ?, ?, ?, 'dispatched', ?)"))
          .execute(Tuple.from(values)).map(inserted -> inserted.rowCount());
    }).mapEmpty();
  }

  Future<Void> close(SqlConnection connection, List<Action.CloseCommand> closes) {
    if (closes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    for (Action.CloseCommand close : closes) {
      JsonObject result = new JsonObject().put("type", "command_result").put("command_id", close.commandId())
          .put("success", false).put("exit_code", -1).put("error", close.error());
      rows.add(Tuple.of(result.encode(), close.commandId()));
    }
    return connection.preparedQuery("UPDATE commands SET status = 'failed', result = ?, completed_at = NOW(3)"
            + " WHERE command_id = ? AND result IS NULL")
        .executeBatch(rows).mapEmpty();
  }

  /** Notes that the workers took the commands, so that a restarted engine does not send them again. */
  public Future<Void> markAccepted(List<String> commandIds) {
    if (commandIds.isEmpty()) {
      return Future.succeededFuture();
    }
    // A note of many rows can meet a decision that writes two of them in the other order; InnoDB
    // then rolls back the smaller of the two, usually the note, and asks for it again. The second
    // try waits for the decision's locks instead of failing every note in the batch.
    return accept(commandIds).recover(failure -> Database.failedWith(failure, Database.DEADLOCK)
        ? accept(commandIds) : Future.failedFuture(failure));
  }

  private Future<Void> accept(List<String> commandIds) {
    return pool.preparedQuery("UPDATE commands SET status = 'accepted' WHERE status = 'dispatched' AND command_id IN ("
            + Database.placeholders(commandIds.size(), "?") + ")")
        .execute(Tuple.from(new ArrayList<Object>(commandIds))).mapEmpty();
  }

  /**
   * Records results that name their execution, each unless its command has one already and only
   * for that execution's command, alone (the decision that took them in changed nothing to store).
   */
  public Future<Void> record(List<CommandResult> results) {
    return recordWith(pool, results);
  }

  /** As {@link #record(List)}, in the transaction of the decision that took the results in. */
  Future<Void> record(SqlConnection connection, List<CommandResult> results) {
    return recordWith(connection, results);
  }

  private static Future<Void> recordWith(SqlClient client, List<CommandResult> results) {
    if (results.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery(RECORD_FOR_EXECUTION).executeBatch(results.stream().map(CommandStore::recordRow)
        .toList()).mapEmpty();
  }

  /** The parameters of {@link #RECORD_FOR_EXECUTION} for {@code result}. */
  private static Tuple recordRow(CommandResult result) {
    return Tuple.of(status(result), result.toJson().encode(), result.commandId(), result.executionId());
  }

  /** The status a result gives its command. */
  private static String status(CommandResult result) {
    return result.success() ? "completed" : "failed";
  }

  /**
   * Records a worker's result unless one is there already. Yields the execution id when this
   * result was the first for a step command, else null (unknown, direct or duplicate). A result
   * that names its execution is recorded only for that execution's command, in one statement.
   */
  public Future<String> record(CommandResult result) {
    if (result.executionId() != null) {
      return pool.preparedQuery(RECORD_FOR_EXECUTION).execute(recordRow(result))
          .map(updated -> updated.rowCount() == 0 ? null : result.executionId());
    }
    return pool.preparedQuery("UPDATE commands SET status = ?, result = ?, completed_at = NOW(3)"
            + " WHERE command_id = ? AND result IS NULL AND execution_id IS NOT NULL")
        .execute(Tuple.of(status(result), result.toJson().encode(), result.commandId()))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(null)
            : pool.preparedQuery("SELECT execution_id FROM commands WHERE command_id = ?")
                .execute(Tuple.of(result.commandId()))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("execution_id")));
  }

  /** The rows of the given commands (any that exist). */
  public Future<List<Command>> find(Collection<String> commandIds) {
    if (commandIds.isEmpty()) {
      return Future.succeededFuture(Collections.emptyList());
    }
    return pool.preparedQuery("SELECT command_id, execution_id, status, result FROM commands WHERE command_id IN ("
            + Database.placeholders(commandIds.size(), "?") + ")")
        .execute(Tuple.from(new ArrayList<Object>(commandIds)))
        .map(rows -> {
          List<Command> out = new ArrayList<>();
          for (Row row : rows) {
            out.add(new Command(row.getString("command_id"), row.getString("execution_id"), row.getString("status"),
                Database.jsonObject(row, "result")));
          }
          return out;
        });
  }
}
