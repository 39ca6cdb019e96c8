package dev.pulse.launcher;

import dev.pulse.storage.DbConfig;
import dev.pulse.storage.EmbeddedMariaDb;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running PULSE process: its Vert.x (verticles stop in reverse order of deployment when it
 * closes) and, in dev mode, its embedded database, which stops last.
 */
public final class Launched implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Launched.class);

  private final Vertx vertx;
  private final EmbeddedMariaDb database;
  private final int httpPort;
  private final DbConfig db;
  private boolean closed;

  Launched(Vertx vertx, EmbeddedMariaDb database, int httpPort, DbConfig db) {
    this.vertx = vertx;
    this.database = database;
    this.httpPort = httpPort;
    this.db = db;
  }

  /** The database this process uses, or null for a worker node. */
  public DbConfig db() {
    return db;
  }

  /** The Vert.x instance. */
  public Vertx vertx() {
    return vertx;
  }

  /** The HTTP port of the API role, or -1 when this process has none. */
  public int httpPort() {
    return httpPort;
  }

  /** Stops taking work, lets verticles finish, leaves the cluster, stops the embedded database. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("PULSE stopping");
    try {
      // Workers may let running commands finish for SHUTDOWN_GRACE_MS (30 s) before killing them.
      vertx.close().toCompletionStage().toCompletableFuture().get(45, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    if (database != null) {
      database.close();
    }
    LOG.info("PULSE stopped");
  }
}
