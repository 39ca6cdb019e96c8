package dev.pulse.registry.workers;

import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.Wire;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The {@code workers} table. Every failure comes back through {@link Database#unavailable}. */
final class WorkerStore {

  /** Rows per flush statement; 500 rows × 6 parameters stays far below the protocol's limit. */
  static final int FLUSH_CHUNK = 500;

  private final Pool pool;

  WorkerStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Marks offline every worker silent since before {@code cutoff}; a registry that was down
   * cannot vouch for them.
   */
  Future<Integer> offlineSilentSince(Instant cutoff) {
    return pool.preparedQuery("UPDATE workers SET status = 'offline' WHERE status NOT IN ('offline', 'revoked')"
            + " AND (last_heartbeat IS NULL OR last_heartbeat < ?)")
        .execute(Tuple.of(utc(cutoff)))
        .map(rows -> rows.rowCount())
        .recover(Database::unavailable);
  }

  Future<List<Worker>> loadAll() {
    return pool.query("SELECT id, name, status, last_heartbeat, api_key, metadata, worker_groups, version"
            + " FROM workers").execute()
        .map(rows -> {
          List<Worker> out = new ArrayList<>();
          for (Row row : rows) {
            LocalDateTime heartbeat = row.getLocalDateTime("last_heartbeat");
            out.add(new Worker(row.getString("id"), row.getString("name"),
                WorkerStatus.stored(row.getString("status")),
                heartbeat == null ? null : heartbeat.toInstant(ZoneOffset.UTC), row.getString("api_key"),
                Database.jsonObject(row, "metadata"), Wire.commaList(row.getString("worker_groups")),
                row.getString("version")));
          }
          return out;
        })
        .recover(Database::unavailable);
  }

  /**
   * Writes a worker that connected, taking its name over from {@code displaced} (an offline
   * worker, deleted in the same transaction) when there is one. A name taken meanwhile by
   * another registry write fails 409.
   */
  Future<Void> saveConnected(Worker worker, Worker displaced) {
    return pool.withTransaction(connection -> {
      Future<Void> cleared = displaced == null ? Future.succeededFuture()
          : connection.preparedQuery("DELETE FROM workers WHERE id = ?").execute(Tuple.of(displaced.id())).mapEmpty();
      return cleared.compose(done -> upsert(connection, worker));
    }).recover(failure -> {
      if (Database.failedWith(failure, Database.DUPLICATE_KEY)) {
        return Future.failedFuture(PulseException.conflict("Worker name '" + worker.name()
            + "' is already taken by another worker; choose another WORKER_NAME"));
      }
      return Database.unavailable(failure);
    });
  }

  private static Future<Void> upsert(SqlClient client, Worker worker) {
    return client.preparedQuery("INSERT INTO workers (id, name, status, last_heartbeat, api_key, metadata,"
            + " worker_groups, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name),"
            + " status = VALUES(status), last_heartbeat = VALUES(last_heartbeat), api_key = VALUES(api_key),"
            + " metadata = VALUES(metadata), worker_groups = VALUES(worker_groups), version = VALUES(version)")
        .execute(Tuple.of(worker.id(), worker.name(), worker.status(), utc(worker.lastHeartbeat()),
            worker.keyHash(), worker.metadata().encode(), String.join(",", worker.groups()), worker.version()))
        .mapEmpty();
  }

  /**
   * Writes the live fields of many workers in one statement. An UPDATE (not an upsert) so that
   * a flush racing a delete cannot bring the deleted row back.
   */
  Future<Integer> flush(List<Worker> workers) {
    if (workers.isEmpty()) {
      return Future.succeededFuture(0);
    }
    StringBuilder sql = new StringBuilder("UPDATE workers w JOIN (");
    Tuple params = Tuple.tuple();
    for (int i = 0; i < workers.size(); i++) {
      Worker worker = workers.get(i);
      sql.append(i == 0
          ? "SELECT ? AS id, ? AS status, ? AS last_heartbeat, ? AS metadata, ? AS worker_groups, ? AS version"
          : " UNION ALL SELECT ?, ?, ?, ?, ?, ?");
      params.addString(worker.id()).addString(worker.status()).addValue(utc(worker.lastHeartbeat()))
          .addString(worker.metadata().encode()).addString(String.join(",", worker.groups()))
          .addString(worker.version());
    }
    sql.append(") v ON w.id = v.id SET w.status = v.status, w.last_heartbeat = v.last_heartbeat,"
        + " w.metadata = v.metadata, w.worker_groups = v.worker_groups, w.version = v.version");
    return pool.preparedQuery(sql.toString()).execute(params)
        .map(rows -> rows.rowCount())
        .recover(Database::unavailable);
  }

  /** Stores a worker's new key hash (null: no key, it must enrol again); false when the row is gone. */
  Future<Boolean> saveKey(String id, String keyHash) {
    return pool.preparedQuery("UPDATE workers SET api_key = ? WHERE id = ?").execute(Tuple.of(keyHash, id))
        .map(rows -> rows.rowCount() > 0)
        .recover(Database::unavailable);
  }

  /** Marks a worker revoked and forgets its key. */
  Future<Void> revoke(String id) {
    return pool.preparedQuery("UPDATE workers SET status = ?, api_key = NULL WHERE id = ?")
        .execute(Tuple.of(WorkerStatus.REVOKED, id))
        .<Void>mapEmpty()
        .recover(Database::unavailable);
  }

  Future<Boolean> delete(String id) {
    return pool.preparedQuery("DELETE FROM workers WHERE id = ?").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() > 0)
        .recover(Database::unavailable);
  }

  private static LocalDateTime utc(Instant instant) {
    return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
