package dev.pulse.storage;

import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates pools and reads MariaDB's values the one way PULSE needs them. */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** MariaDB's error for a row that repeats a unique key. */
  public static final int DUPLICATE_KEY = 1062;
  /** MariaDB's error for a statement rolled back to end a deadlock: "try restarting transaction". */
  public static final int DEADLOCK = 1213;

  private Database() {
  }

  /** Whether {@code failure} is MariaDB's error {@code code}. */
  public static boolean failedWith(Throwable failure, int code) {
    return failure instanceof DatabaseException db && db.getErrorCode() == code;
  }

  /** A connection pool for the given database, named "pulse-db" in metrics. */
  public static Pool pool(Vertx vertx, DbConfig config) {
    return pool(vertx, config, "pulse-db");
  }

  /**
   * A connection pool for the given database.
   *
   * @param name the pool's name in metrics; one per owner, since meters with equal names collide
   */
  public static Pool pool(Vertx vertx, DbConfig config, String name) {
    return pool(vertx, config, name, false);
  }

  /**
   * The pool named {@code name} that every verticle instance asking for it on this Vert.x shares
   * (created by the first, closed with the last).
   */
  public static Pool sharedPool(Vertx vertx, DbConfig config, String name) {
    return pool(vertx, config, name, true);
  }

  private static Pool pool(Vertx vertx, DbConfig config, String name, boolean shared) {
    MySQLConnectOptions connect = new MySQLConnectOptions()
        .setHost(config.host()).setPort(config.port()).setDatabase(config.database())
        .setUser(config.user()).setPassword(config.password())
        .setCharset("utf8mb4").setCollation("utf8mb4_general_ci")
        .setReconnectAttempts(0)
        // Each connection keeps its statements prepared: a statement used again costs one round
        // trip (execute), not three (prepare, execute, close). 64 a connection (least recently used
        // go) keeps several server nodes' pools far below MariaDB's max_prepared_stmt_count.
        .setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(64);
    PoolOptions pool = new PoolOptions().setMaxSize(config.poolSize()).setShared(shared)
        .setConnectionTimeout(5).setIdleTimeout(60).setName(name);
    // Timestamps are stored and read as UTC whatever the server's own zone is.
    return MySQLBuilder.pool().with(pool).connectingTo(connect).using(vertx)
        .withConnectHandler(connection -> connection.query("SET time_zone = '+00:00'").execute()
            .onComplete(done -> connection.close()))
        .build();
  }

  /**
   * {@code count} copies of {@code group} joined by commas: the placeholders of an {@code IN}
   * list ({@code "?"}) or of a multi-row {@code VALUES} ({@code "(?, ?, ?)"}).
   */
  public static String placeholders(int count, String group) {
    return String.join(", ", Collections.nCopies(count, group));
  }

  /**
   * Runs {@code statement} over {@code items}, at most {@code size} at a time, each chunk after the
   * one before; yields the sum of what the statements yield (the rows they changed).
   */
  public static <T> Future<Integer> inChunks(List<T> items, int size, Function<List<T>, Future<Integer>> statement) {
    Future<Integer> done = Future.succeededFuture(0);
    for (int from = 0; from < items.size(); from += size) {
      List<T> chunk = items.subList(from, Math.min(items.size(), from + size));
      done = done.compose(sum -> statement.apply(chunk).map(more -> sum + more));
    }
    return done;
  }

  /** Completes when the database answers {@code SELECT 1}. */
  public static Future<Void> ping(Pool pool) {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /**
   * A JSON column as an object. MariaDB stores JSON as LONGTEXT, so the client returns a
   * String; this is the one place that decodes it.
   */
  public static JsonObject jsonObject(Row row, String column) {
    Object value = row.getValue(column);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject json) {
      return json;
    }
    return new JsonObject(value.toString());
  }

  /** A JSON column as an array (see {@link #jsonObject}). */
  public static JsonArray jsonArray(Row row, String column) {
    Object value = row.getValue(column);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonArray json) {
      return json;
    }
    return new JsonArray(value.toString());
  }

  /** A TIMESTAMP column as ISO-8601 UTC text ({@code 2026-12-03T13:39:02Z}), or null. */
  public static String instant(Row row, String column) {
    LocalDateTime value = row.getLocalDateTime(column);
    return value == null ? null : value.toInstant(ZoneOffset.UTC).toString();
  }

  /**
   * Turns a database failure into a 503 the API can show: the database is down or refused; the
   * SQL and its message are never sent to the user.
   */
  public static <T> Future<T> unavailable(Throwable failure) {
    if (failure instanceof PulseException) {
      return Future.failedFuture(failure);
    }
    if (failure instanceof MySQLException sql) {
      // The server answered: this is PULSE's bug, not an outage. Log it; tell the user little.
      LOG.error("Database statement failed ({})", sql.getErrorCode(), sql);
      return Future.failedFuture(new PulseException(ErrorCodes.INTERNAL,
          "Internal database error; the server log has the cause"));
    }
    LOG.warn("Database unavailable: {}", failure.toString());
    return Future.failedFuture(new PulseException(ErrorCodes.UNAVAILABLE,
        "The database is not available; try again shortly"));
  }
}
