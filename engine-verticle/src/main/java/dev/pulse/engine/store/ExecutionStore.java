package dev.pulse.engine.store;

import dev.pulse.contracts.CommandResult;
import dev.pulse.engine.decide.Action;
import dev.pulse.engine.decide.Decision;
import dev.pulse.engine.model.ExecutionState;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code executions} table: rows, decisions and the lease that lets exactly one engine node
 * drive each active execution ({@code owner}, {@code lease_until}).
 */
public final class ExecutionStore {

  /** The statuses an engine drives. */
  public static final String ACTIVE = "('pending', 'running', 'waiting_for_input')";
  private static final String LEASE = "TIMESTAMPADD(MICROSECOND, ?, NOW(3))";
  /** Most step rows written by one statement. */
  private static final int STEP_ROWS = 25;
  private static final String SUMMARY = "id, workflow_id, workflow_name, status, started_by, started_at, completed_at,"
      + " parent_id";

  /** Thrown when a decision could not be stored because another node owns the execution now. */
  public static final class LostOwnership extends RuntimeException {
    public LostOwnership(String id) {
      super("Execution " + id + " is driven by another engine node now", null, false, false);
    }
  }

  /** Who drives an execution: its status, its owner and whether the owner's lease still runs. */
  public record Lease(String status, String owner, boolean valid) {
  }

  private final Pool pool;
  private final long leaseMicros;

  public ExecutionStore(Pool pool, long leaseMs) {
    this.pool = pool;
    this.leaseMicros = leaseMs * 1000;
  }

  /**
   * Creates an execution owned (leased) by {@code node} with its first decision already taken
   * (its state, log lines and commands), so that starting a run costs one write, not two; a child
   * execution is linked to its parent ({@code parent_id}). Every step gets its row.
   */
  public Future<Void> insert(Decision first, JsonObject definition, String node, CommandStore commands,
      Stored stored) {
    ExecutionState state = first.state();
    List<String> steps = StateCodec.steps(state);
    return pool.withTransaction(connection -> connection
        .preparedQuery("INSERT INTO executions (id, workflow_id, status, started_by, started_at, logs,"
            + " workflow_name, definition, state, owner, lease_until, parent_id) VALUES (?, ?, ?, ?, NOW(), ?, ?, ?,"
            + " ?, ?, " + LEASE + ", ?)")
        .execute(Tuple.from(Arrays.asList(state.executionId(), state.workflowId(), state.status().wire(),
            state.startedBy(), StateCodec.logs(first.logs()).encode(), state.workflowName(), definition.encode(),
            StateCodec.head(state).encode(), node, leaseMicros,
            state.parent() == null ? null : state.parent().executionId())))
        .compose(inserted -> writeSteps(connection, state.executionId(), steps, stored.changed(steps)))
        .compose(written -> commands.insert(connection, state.executionId(), first.actions(Action.Dispatch.class),
            state.startedBy()))
        .compose(inserted -> commands.close(connection, first.actions(Action.CloseCommand.class))))
        .onSuccess(done -> stored.stored(steps, false, false));
  }

  /**
   * Writes the rows of the steps at {@code indexes} ({@code steps} holds every step's JSON), as
   * many in one statement as the statement cache takes well: a step's row, or the 100 rows of a
   * long workflow's start in four.
   */
  private static Future<Void> writeSteps(SqlConnection connection, String id, List<String> steps,
      List<Integer> indexes) {
    return Database.inChunks(indexes, STEP_ROWS, chunk -> {
      List<Object> values = new ArrayList<>();
      for (int index : chunk) {
        values.add(id);
        values.add(index);
        values.add(steps.get(index));
      }
      return connection.preparedQuery("INSERT INTO execution_steps (execution_id, step_index, state) VALUES "
              + Database.placeholders(chunk.size(), "(?, ?, ?)") + " ON DUPLICATE KEY UPDATE state = VALUES(state)")
          .execute(Tuple.from(values)).map(written -> written.rowCount());
    }).mapEmpty();
  }

  /** How a child execution stands: its status, error and outputs ({@code vars}); null when there is no such row. */
  public record ChildStatus(String id, String status, String error, JsonObject vars) {
  }

  /** The status of each of {@code ids} that exists. */
  public Future<List<ChildStatus>> statuses(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("SELECT id, status, state FROM executions WHERE id IN ("
            + Database.placeholders(ids.size(), "?") + ")")
        .execute(Tuple.from(new ArrayList<Object>(ids)))
        .map(rows -> {
          List<ChildStatus> out = new ArrayList<>();
          for (Row row : rows) {
            JsonObject state = Database.jsonObject(row, "state");
            state = state == null ? new JsonObject() : state;
            out.add(new ChildStatus(row.getString("id"), row.getString("status"), state.getString("error"),
                state.getJsonObject("vars", new JsonObject())));
          }
          return out;
        });
  }

  /**
   * Stores a decision in one transaction, fenced by ownership: the state (the steps it changed),
   * the log lines, the new commands (before they are sent) and the commands closed without a
   * worker result. While the execution runs, each decision's log lines are a row of
   * {@code execution_logs}; the decision that ends it moves them into {@code executions.logs}, so
   * a long run does not rewrite its whole log at every step. Fails with {@link LostOwnership} when
   * {@code node} no longer owns the execution. The workers' {@code results} the decision took in
   * are recorded in the same transaction (see {@link CommandStore#record(List)}).
   */
  public Future<Void> save(Decision decision, String node, CommandStore commands, String requestedBy,
      Stored stored, List<CommandResult> results) {
    ExecutionState state = decision.state();
    String id = state.executionId();
    LocalDateTime completed = state.completedAt() == null ? null
        : LocalDateTime.ofInstant(Instant.ofEpochMilli(state.completedAt()), ZoneOffset.UTC);
    List<String> steps = StateCodec.steps(state);
    JsonArray lines = StateCodec.logs(decision.logs());
    boolean ends = state.status().terminal();
    boolean append = !ends && !lines.isEmpty();
    return pool.withTransaction(connection -> (ends && stored.logsAppended() ? appended(connection, id)
            : Future.succeededFuture(new JsonArray()))
        .compose(appended -> connection
            .preparedQuery("UPDATE executions SET status = ?, state = ?, completed_at = ?" + (ends
                ? ", logs = JSON_MERGE_PRESERVE(COALESCE(logs, JSON_ARRAY()), ?)" : "") + " WHERE id = ? AND owner = ?")
            .execute(Tuple.from(ends
                ? Arrays.asList(state.status().wire(), StateCodec.head(state).encode(), completed,
                    appended.copy().addAll(lines).encode(), id, node)
                : Arrays.asList(state.status().wire(), StateCodec.head(state).encode(), completed, id, node)))
            .compose(updated -> updated.rowCount() == 0 ? Future.failedFuture(new LostOwnership(id))
                : ends ? (appended.isEmpty() ? Future.succeededFuture() : connection
                    .preparedQuery("DELETE FROM execution_logs WHERE execution_id = ?").execute(Tuple.of(id)).mapEmpty())
                : !append ? Future.succeededFuture() : connection
                    .preparedQuery("INSERT INTO execution_logs (execution_id, log_lines) VALUES (?, ?)")
                    .execute(Tuple.of(id, lines.encode())).mapEmpty()))
        .compose(logged -> writeSteps(connection, id, steps, stored.changed(steps)))
        .compose(written -> commands.insert(connection, id, decision.actions(Action.Dispatch.class), requestedBy))
        .compose(inserted -> commands.close(connection, decision.actions(Action.CloseCommand.class)))
        .compose(closed -> commands.record(connection, results)))
        .onSuccess(done -> stored.stored(steps, append, ends));
  }

  /** The log lines appended to {@code execution_logs} for execution {@code id}, in order. */
  private static Future<JsonArray> appended(SqlClient client, String id) {
    return client.preparedQuery("SELECT log_lines FROM execution_logs WHERE execution_id = ? ORDER BY id")
        .execute(Tuple.of(id))
        .map(rows -> {
          JsonArray lines = new JsonArray();
          rows.forEach(row -> lines.addAll(new JsonArray(row.getString("log_lines"))));
          return lines;
        });
  }

  /** The rows of execution {@code id}'s steps, by index. */
  private Future<Map<Integer, JsonObject>> stepRows(String id) {
    return pool.preparedQuery("SELECT step_index, state FROM execution_steps WHERE execution_id = ?")
        .execute(Tuple.of(id))
        .map(rows -> {
          Map<Integer, JsonObject> steps = new HashMap<>();
          rows.forEach(row -> steps.put(row.getInteger("step_index"), new JsonObject(row.getString("state"))));
          return steps;
        });
  }

  /** The state of an active execution {@code node} owns, or null. */
  public Future<Loaded> loadOwned(String id, String node) {
    return load("id = ? AND owner = ? AND status IN " + ACTIVE, id, node);
  }

  /** The execution row matching {@code where} (on {@code id} and {@code owner}) as loaded for driving, or null. */
  private Future<Loaded> load(String where, String id, String node) {
    return pool.preparedQuery("SELECT id, workflow_id, workflow_name, started_by, definition, state FROM executions"
            + " WHERE " + where)
        .execute(Tuple.of(id, node))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          Row row = rows.iterator().next();
          return stepRows(id).map(steps -> new Loaded(row.getString("id"), row.getString("workflow_id"),
              row.getString("workflow_name"), row.getString("started_by"), Database.jsonObject(row, "definition"),
              StateCodec.withSteps(Database.jsonObject(row, "state"), steps)));
        });
  }

  /** An execution row as loaded for driving. */
  public record Loaded(String id, String workflowId, String workflowName, String startedBy, JsonObject definition,
      JsonObject state) {
  }

  /** Who drives execution {@code id}, or null when there is no such execution. */
  public Future<Lease> lease(String id) {
    return pool.preparedQuery("SELECT status, owner, (lease_until IS NOT NULL AND lease_until > NOW(3)) AS valid"
            + " FROM executions WHERE id = ?")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Lease(row.getString("status"), row.getString("owner"), Integer.valueOf(1).equals(
              row.getInteger("valid")));
        });
  }

  /** Takes one active execution over when it has no live owner; true when {@code node} owns it now. */
  public Future<Boolean> claim(String id, String node) {
    return pool.preparedQuery("UPDATE executions SET owner = ?, lease_until = " + LEASE + " WHERE id = ?"
            + " AND status IN " + ACTIVE + " AND (owner IS NULL OR owner = ? OR lease_until IS NULL"
            + " OR lease_until < NOW(3))")
        .execute(Tuple.of(node, leaseMicros, id, node))
        .map(updated -> updated.rowCount() > 0);
  }

  /**
   * Takes a failed execution for {@code node} to resume it; yields its row, or null when it is not
   * failed. The status stays failed until the resume decision is stored, so a crash in between
   * leaves it failed, not stuck.
   */
  public Future<Loaded> claimFailed(String id, String node) {
    return pool.preparedQuery("UPDATE executions SET owner = ?, lease_until = " + LEASE
            + " WHERE id = ? AND status = 'failed'")
        .execute(Tuple.of(node, leaseMicros, id))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(null)
            : load("id = ? AND owner = ?", id, node));
  }

  /**
   * Takes over every active execution whose owner's lease ran out; yields the ids {@code node} owns.
   *
   * <p>The candidates are found by a plain read and taken by primary key, the lease condition
   * checked again: an {@code UPDATE} over the lease index would lock its ranges on every pass and
   * deadlock with decisions that move an execution's status in that index.
   */
  public Future<List<String>> claimExpiredAndListOwned(String node) {
    return ids("SELECT id FROM executions WHERE status IN " + ACTIVE
            + " AND (owner IS NULL OR lease_until IS NULL OR lease_until < NOW(3))", Tuple.tuple())
        .compose(expired -> byId(expired, "UPDATE executions SET owner = ?, lease_until = " + LEASE
            + " WHERE status IN " + ACTIVE + " AND (owner IS NULL OR lease_until IS NULL OR lease_until < NOW(3))"
            + " AND id IN ", Tuple.of(node, leaseMicros)))
        .compose(claimed -> ids("SELECT id FROM executions WHERE owner = ? AND status IN " + ACTIVE, Tuple.of(node)));
  }

  /** Extends the lease of everything {@code node} drives (found by a plain read, then updated by key). */
  public Future<Integer> renew(String node) {
    return ids("SELECT id FROM executions WHERE owner = ? AND status IN " + ACTIVE, Tuple.of(node))
        .compose(owned -> byId(owned, "UPDATE executions SET lease_until = " + LEASE + " WHERE owner = ? AND status IN "
            + ACTIVE + " AND id IN ", Tuple.of(leaseMicros, node)));
  }

  private Future<List<String>> ids(String sql, Tuple params) {
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(row -> ids.add(row.getString("id")));
      return ids;
    });
  }

  /** Runs {@code sql + "(?, ?, ...)"} over {@code ids}, 500 at a time; yields the rows changed. */
  private Future<Integer> byId(List<String> ids, String sql, Tuple params) {
    return Database.inChunks(ids, 500, chunk -> {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        values.add(params.getValue(i));
      }
      values.addAll(chunk);
      return pool.preparedQuery(sql + "(" + Database.placeholders(chunk.size(), "?") + ")").execute(Tuple.from(values))
          .map(updated -> updated.rowCount());
    });
  }

  /** Gives up everything {@code node} drives, so that another node takes it over at once. */
  public Future<Integer> release(String node) {
    return pool.preparedQuery("UPDATE executions SET owner = NULL, lease_until = NULL WHERE owner = ?"
            + " AND status IN " + ACTIVE)
        .execute(Tuple.of(node))
        .map(updated -> updated.rowCount());
  }

  /**
   * One execution with its definition snapshot, state and logs, or null. The children its steps
   * wait on show their current status (the parent's state learns it only when they end).
   */
  public Future<JsonObject> get(String id) {
    return pool.preparedQuery("SELECT " + SUMMARY + ", definition, state, logs FROM executions WHERE id = ?")
        .execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null) : stepRows(id)
            .compose(steps -> appended(pool, id).map(lines -> ExecutionViews.full(rows.iterator().next(), steps, lines)))
            .compose(view -> pool.preparedQuery("SELECT id, status FROM executions WHERE parent_id = ?")
                .execute(Tuple.of(id))
                .map(children -> {
                  children.forEach(child -> ExecutionViews.childStatus(view, child.getString("id"),
                      child.getString("status")));
                  return view;
                })));
  }

  /** Executions newest first, without definitions or logs. */
  public Future<JsonArray> list(String status, String workflowId, int limit, int offset) {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT " + SUMMARY + " FROM executions WHERE 1 = 1");
    if (status != null) {
      sql.append(" AND status = ?");
      params.add(status);
    }
    if (workflowId != null) {
      sql.append(" AND workflow_id = ?");
      params.add(workflowId);
    }
    sql.append(" ORDER BY created_at DESC, id LIMIT ? OFFSET ?");
    params.add(limit);
    params.add(offset);
    return pool.preparedQuery(sql.toString()).execute(Tuple.from(params))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(ExecutionViews.summary(row)));
          return out;
        });
  }
}
