package dev.pulse.storage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned schema migrations at start-up.
 *
 * <p>Each migration is a SQL file on the classpath ({@code pulse/db/V<n>__<name>.sql}), applied
 * once and recorded in {@code schema_version}. A MariaDB named lock ({@code GET_LOCK}) held on
 * one connection makes two servers starting at once apply them one after the other. Flyway would
 * do the same but needs a second, blocking JDBC driver beside the reactive client; this runner
 * is a lock, a table and an ordered list.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final String LOCK = "pulse.schema.migrations";
  private static final int LOCK_WAIT_SECONDS = 60;

  /** One migration. */
  public record Migration(int version, String description, String resource) {
  }

  /** Every migration, in order. Append; never edit a released one. */
  public static final List<Migration> ALL = List.of(
      new Migration(1, "seed tables and PULSE's own", "pulse/db/V1__base.sql"),
      new Migration(2, "indexes for retention", "pulse/db/V2__retention.sql"),
      new Migration(3, "workflow schedules", "pulse/db/V3__schedules.sql"),
      new Migration(4, "child executions", "pulse/db/V4__child_executions.sql"),
      new Migration(5, "execution steps and logs", "pulse/db/V5__execution_steps_and_logs.sql"));

  private Migrations() {
  }

  /** Applies what is missing; yields the versions applied now (empty when up to date). */
  public static Future<List<Integer>> apply(Pool pool) {
    return apply(pool, Integer.MAX_VALUE);
  }

  /**
   * Applies what is missing up to and including {@code upToVersion}, leaving later ones out:
   * builds a database as an older PULSE left it, for upgrade tests.
   */
  static Future<List<Integer>> apply(Pool pool, int upToVersion) {
    return pool.getConnection().compose(connection -> locked(connection, upToVersion)
        .eventually(() -> connection.close()));
  }

  private static Future<List<Integer>> locked(SqlConnection connection, int upToVersion) {
    return connection.preparedQuery("SELECT GET_LOCK(?, ?) AS got").execute(Tuple.of(LOCK, LOCK_WAIT_SECONDS))
        .compose(rows -> {
          Row row = rows.iterator().next();
          Integer got = row.getInteger("got");
          if (got == null || got != 1) {
            return Future.failedFuture(new IllegalStateException(
                "Another PULSE server held the migration lock for " + LOCK_WAIT_SECONDS + " s"));
          }
          return applyMissing(connection, upToVersion).eventually(() -> connection
              .preparedQuery("SELECT RELEASE_LOCK(?)").execute(Tuple.of(LOCK)));
        });
  }

  private static Future<List<Integer>> applyMissing(SqlConnection connection, int upToVersion) {
    return connection.query("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY,"
            + " description VARCHAR(255) NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)")
        .execute()
        .compose(created -> connection.query("SELECT version FROM schema_version").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          rows.forEach(row -> applied.add(row.getInteger("version")));
          List<Integer> done = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (Migration migration : ALL) {
            if (migration.version() <= upToVersion && !applied.contains(migration.version())) {
              chain = chain.compose(previous -> applyOne(connection, migration))
                  .andThen(ok -> done.add(migration.version()));
            }
          }
          return chain.map(ignored -> done);
        });
  }

  private static Future<Void> applyOne(SqlConnection connection, Migration migration) {
    LOG.info("Applying schema migration V{}: {}", migration.version(), migration.description());
    Future<Void> chain = Future.succeededFuture();
    for (String statement : statements(migration.resource())) {
      chain = chain.compose(previous -> connection.query(statement).execute().mapEmpty());
    }
    return chain.compose(previous -> connection
        .preparedQuery("INSERT INTO schema_version (version, description) VALUES (?, ?)")
        .execute(Tuple.of(migration.version(), migration.description())).mapEmpty());
  }

  /** The statements of a migration file: split on ';' at line ends; '--' comment lines dropped. */
  static List<String> statements(String resource) {
    String text;
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Migration " + resource + " is missing from the classpath");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().trim();
        out.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().trim());
    }
    return out;
  }
}
