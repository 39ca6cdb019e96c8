package dev.pulse.engine.schedule;

import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The {@code schedules} and {@code schedule_runs} tables. */
public final class ScheduleStore {

  private static final String COLUMNS = "workflow_id, cron, time_zone, enabled, next_run_at, updated_by, updated_at";

  /** A schedule as the scheduler reads it. */
  public record Due(String workflowId, String cron, String timeZone, Instant nextRunAt) {
  }

  private final Pool pool;

  public ScheduleStore(Pool pool) {
    this.pool = pool;
  }

  /** The workflow's schedule as JSON, or null when it has none. */
  public Future<JsonObject> get(String workflowId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM schedules WHERE workflow_id = ?")
        .execute(Tuple.of(workflowId))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /** Inserts or replaces the workflow's schedule; yields it as stored. */
  public Future<JsonObject> put(String workflowId, String cron, String timeZone, boolean enabled, Instant nextRunAt,
      String updatedBy) {
    return pool.preparedQuery("INSERT INTO schedules (workflow_id, cron, time_zone, enabled, next_run_at, updated_by)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE cron = VALUES(cron), time_zone = VALUES(time_zone),"
            + " enabled = VALUES(enabled), next_run_at = VALUES(next_run_at), updated_by = VALUES(updated_by)")
        .execute(Tuple.of(workflowId, cron, timeZone, enabled ? 1 : 0, utc(nextRunAt), updatedBy))
        .compose(done -> get(workflowId));
  }

  /** Enabled schedules due at or before {@code now}. */
  public Future<List<Due>> due(Instant now) {
    return pool.preparedQuery("SELECT workflow_id, cron, time_zone, next_run_at FROM schedules"
            + " WHERE enabled AND next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at LIMIT 100")
        .execute(Tuple.of(utc(now)))
        .map(rows -> {
          List<Due> out = new ArrayList<>();
          rows.forEach(row -> out.add(new Due(row.getString("workflow_id"), row.getString("cron"),
              row.getString("time_zone"), row.getLocalDateTime("next_run_at").toInstant(ZoneOffset.UTC))));
          return out;
        });
  }

  /**
   * Moves {@code next_run_at} from {@code expected} to {@code next} unless another engine moved it
   * first (or the schedule changed meanwhile); yields whether this call moved it.
   */
  public Future<Boolean> advance(String workflowId, Instant expected, Instant next) {
    return pool.preparedQuery("UPDATE schedules SET next_run_at = ? WHERE workflow_id = ? AND enabled"
            + " AND next_run_at = ?")
        .execute(Tuple.of(utc(next), workflowId, utc(expected)))
        .map(done -> done.rowCount() == 1);
  }

  /** Records the run of one due time; yields false when it was already recorded (by any engine). */
  public Future<Boolean> claimRun(String workflowId, Instant dueAt, String node, int missed) {
    return pool.preparedQuery("INSERT INTO schedule_runs (workflow_id, due_at, node, missed) VALUES (?, ?, ?, ?)")
        .execute(Tuple.of(workflowId, utc(dueAt), node, missed))
        .map(done -> true)
        .recover(failure -> Database.failedWith(failure, Database.DUPLICATE_KEY)
            ? Future.succeededFuture(false) : Future.failedFuture(failure));
  }

  /** Notes which execution a recorded run started. */
  public Future<Void> started(String workflowId, Instant dueAt, String executionId) {
    return pool.preparedQuery("UPDATE schedule_runs SET execution_id = ? WHERE workflow_id = ? AND due_at = ?")
        .execute(Tuple.of(executionId, workflowId, utc(dueAt))).mapEmpty();
  }

  private static LocalDateTime utc(Instant instant) {
    return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static JsonObject json(Row row) {
    return new JsonObject().put("workflow_id", row.getString("workflow_id")).put("cron", row.getString("cron"))
        .put("time_zone", row.getString("time_zone")).put("enabled", row.getInteger("enabled") != 0)
        .put("next_run_at", Database.instant(row, "next_run_at")).put("updated_by", row.getString("updated_by"))
        .put("updated_at", Database.instant(row, "updated_at"));
  }
}
