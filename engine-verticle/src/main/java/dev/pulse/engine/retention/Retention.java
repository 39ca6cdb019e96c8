package dev.pulse.engine.retention;

import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what is older than RETENTION_DAYS: ended executions with their step commands, finished
 * direct commands and audit rows. Active executions and unfinished commands are never touched.
 *
 * <p>Every statement removes at most one batch and commits on its own, so a writer waits at most
 * for the row locks of one batch, never for a table. A MariaDB named lock per database makes
 * engine nodes that run a pass at the same time leave it to one of them.
 */
public final class Retention {

  /** Rows per statement. */
  public static final int BATCH = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  private static final String LOCK = "LEFT(CONCAT('pulse.retention.', DATABASE()), 64)";
  private static final String ENDED = "status IN ('completed', 'failed', 'cancelled')";
  private static final String CUTOFF = "NOW(3) - INTERVAL ? DAY";

  /** What one pass removed. */
  public record Pruned(long executions, long stepCommands, long directCommands, long auditRows) {

    static final Pruned NONE = new Pruned(0, 0, 0, 0);

    /** Every row removed. */
    public long total() {
      return executions + stepCommands + directCommands + auditRows;
    }
  }

  private final Pool pool;
  private final int days;
  private final int batch;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;

  /**
   * @param days rows older than this many days go; 0 keeps everything
   * @param batch the most rows one statement removes
   */
  public Retention(Pool pool, int days, int batch) {
    this.pool = pool;
    this.days = days;
    this.batch = batch;
  }

  /** A pass for a timer: skipped while the previous one runs; its outcome is logged. */
  public void run() {
    if (closed || !running.compareAndSet(false, true)) {
      return;
    }
    prune()
        .onSuccess(pruned -> {
          if (pruned.total() > 0) {
            LOG.info("Retention removed rows older than {} days: {} from executions, {} from commands ({} of them"
                    + " direct), {} from audit_log", days, pruned.executions(),
                pruned.stepCommands() + pruned.directCommands(), pruned.directCommands(), pruned.auditRows());
          }
        })
        .onFailure(failure -> {
          if (!closed) {
            LOG.warn("Retention pass failed, next one retries: {}", failure.toString());
          }
        })
        .onComplete(done -> running.set(false));
  }

  /** Stops a running pass after its current batch. */
  public void close() {
    closed = true;
  }

  /** One pass; removes nothing when RETENTION_DAYS is 0 or another engine node is pruning. */
  public Future<Pruned> prune() {
    if (days == 0) {
      return Future.succeededFuture(Pruned.NONE);
    }
    return pool.getConnection().compose(connection -> locked(connection).eventually(() -> connection.close()));
  }

  private Future<Pruned> locked(SqlConnection connection) {
    return connection.query("SELECT GET_LOCK(" + LOCK + ", 0) AS got").execute()
        .compose(rows -> {
          Integer got = rows.iterator().next().getInteger("got");
          if (got == null || got != 1) {
            LOG.debug("Another engine node is pruning old rows");
            return Future.succeededFuture(Pruned.NONE);
          }
          return pass(connection).eventually(() -> connection.query("SELECT RELEASE_LOCK(" + LOCK + ")").execute());
        });
  }

  private Future<Pruned> pass(SqlConnection connection) {
    long[] counts = new long[3];
    long[] stepCommands = new long[1];
    // No ORDER BY: over three statuses it would sort every old execution for each batch.
    return drain(() -> batch(connection, "SELECT id FROM executions WHERE " + ENDED + " AND completed_at < " + CUTOFF
            + " LIMIT ?",
        ids -> executionsWithCommands(connection, ids, stepCommands)))
        .compose(executions -> {
          counts[0] = executions;
          // The hint: left alone, the optimizer walks idx_cmd_execution over every direct command.
          return drain(() -> batch(connection, "SELECT command_id FROM commands FORCE INDEX (idx_cmd_direct_ended)"
                  + " WHERE execution_id IS NULL AND completed_at < " + CUTOFF + " ORDER BY completed_at LIMIT ?",
              ids -> deleted(connection, "DELETE FROM commands WHERE command_id IN (" + marks(ids) + ")"
                  + " AND execution_id IS NULL", Tuple.from(ids))));
        })
        .compose(direct -> {
          counts[1] = direct;
          return drain(() -> batch(connection, "SELECT id FROM audit_log WHERE at < " + CUTOFF
                  + " ORDER BY at LIMIT ?",
              ids -> deleted(connection, "DELETE FROM audit_log WHERE id IN (" + marks(ids) + ")", Tuple.from(ids))));
        })
        .map(audit -> new Pruned(counts[0], stepCommands[0], counts[1], audit));
  }

  /** Deletes these ended executions, their commands first; yields how many executions went. */
  private Future<Integer> executionsWithCommands(SqlConnection connection, List<Object> ids, long[] stepCommands) {
    Tuple limited = Tuple.from(ids).addInteger(batch);
    return drain(() -> deleted(connection, "DELETE FROM commands WHERE execution_id IN (" + marks(ids) + ") LIMIT ?",
            limited))
        .compose(commands -> {
          stepCommands[0] += commands;
          return deleted(connection, "DELETE FROM executions WHERE id IN (" + marks(ids) + ") AND " + ENDED,
              Tuple.from(ids));
        });
  }

  /**
   * Finds one batch of old rows with a plain (lock-free) read, then has {@code remove} delete them
   * by primary key, so that the DELETE locks those rows and no index range around them.
   */
  private Future<Integer> batch(SqlConnection connection, String select,
      Function<List<Object>, Future<Integer>> remove) {
    return connection.preparedQuery(select).execute(Tuple.of(days, batch))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(0);
          }
          List<Object> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getValue(0)));
          return remove.apply(ids);
        });
  }

  private static String marks(List<Object> ids) {
    return Database.placeholders(ids.size(), "?");
  }

  private static Future<Integer> deleted(SqlConnection connection, String sql, Tuple args) {
    return connection.preparedQuery(sql).execute(args).map(rows -> rows.rowCount());
  }

  /** Runs batches until one comes back short (or the pruner closes); yields the rows they removed. */
  private Future<Long> drain(Supplier<Future<Integer>> oneBatch) {
    // One promise completed at the end rather than a compose per batch: a first pass over a big
    // table runs thousands of batches, and as many nested futures would complete on one stack.
    Promise<Long> done = Promise.promise();
    next(oneBatch, 0, done);
    return done.future();
  }

  private void next(Supplier<Future<Integer>> oneBatch, long sofar, Promise<Long> done) {
    oneBatch.get()
        .onFailure(done::fail)
        .onSuccess(removed -> {
          if (removed < batch || closed) {
            done.complete(sofar + removed);
          } else {
            next(oneBatch, sofar + removed, done);
          }
        });
  }
}
