package dev.pulse.api.audit;

import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who did what, when, from where: one {@code audit_log} row per successful change made through
 * the API. A row that cannot be written at once (database briefly down) is retried until it is,
 * so an action that succeeded is not left unaudited while the process lives.
 */
public final class AuditLog {

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final long RETRY_MS = 2_000;

  /** One entry. */
  public record Entry(String actor, String action, String targetType, String targetId, String sourceIp,
      JsonObject details) {
  }

  private final Vertx vertx;
  private final Pool pool;

  /** An audit log writing through the given pool. */
  public AuditLog(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Writes the entry; on failure keeps retrying in the background and completes anyway. */
  public Future<Void> record(Entry entry) {
    return write(entry).recover(failure -> {
      LOG.warn("Audit row for {} by {} not written yet ({}); retrying", entry.action(), entry.actor(),
          failure.getMessage());
      vertx.setTimer(RETRY_MS, id -> record(entry));
      return Future.succeededFuture();
    });
  }

  private Future<Void> write(Entry entry) {
    return pool.preparedQuery("INSERT INTO audit_log (actor, action, target_type, target_id, source_ip, details)"
            + " VALUES (?, ?, ?, ?, ?, ?)")
        .execute(Tuple.of(entry.actor(), entry.action(), entry.targetType(), entry.targetId(), entry.sourceIp(),
            entry.details() == null ? null : entry.details().encode()))
        .mapEmpty();
  }

  /** A page of entries, newest first, filtered by actor/action/target when given. */
  public Future<JsonObject> page(String actor, String action, String targetId, int limit, int offset) {
    StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, target_type, target_id, source_ip, details"
        + " FROM audit_log WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (actor != null) {
      sql.append(" AND actor = ?");
      args.add(actor);
    }
    if (action != null) {
      sql.append(" AND action = ?");
      args.add(action);
    }
    if (targetId != null) {
      sql.append(" AND target_id = ?");
      args.add(targetId);
    }
    sql.append(" ORDER BY id DESC LIMIT ? OFFSET ?");
    args.add(limit);
    args.add(offset);
    return pool.preparedQuery(sql.toString()).execute(Tuple.from(args))
        .map(rows -> {
          JsonArray entries = new JsonArray();
          for (Row row : rows) {
            entries.add(new JsonObject().put("id", row.getLong("id")).put("at", Database.instant(row, "at"))
                .put("actor", row.getString("actor")).put("action", row.getString("action"))
                .put("target_type", row.getString("target_type")).put("target_id", row.getString("target_id"))
                .put("source_ip", row.getString("source_ip")).put("details", Database.jsonObject(row, "details")));
          }
          return new JsonObject().put("entries", entries).put("limit", limit).put("offset", offset);
        })
        .recover(Database::unavailable);
  }
}
