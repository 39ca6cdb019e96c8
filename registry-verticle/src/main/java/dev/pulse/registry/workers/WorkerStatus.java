package dev.pulse.registry.workers;

import io.vertx.core.json.JsonObject;

/** The statuses a worker can have, and how a heartbeat's metadata decides between them. */
public final class WorkerStatus {

  public static final String ONLINE = "online";
  public static final String OFFLINE = "offline";
  public static final String BUSY = "busy";
  public static final String DRAINING = "draining";
  /**
   * An admin revoked the worker's key: its connects and heartbeats are refused and WORKER_API_KEY
   * cannot enrol its id or name again until it is deleted. Stored, so it survives restarts.
   */
  public static final String REVOKED = "revoked";
  /** Only ever published in a {@code worker_update}; a deleted worker has no row. */
  public static final String DELETED = "deleted";

  private WorkerStatus() {
  }

  /**
   * The status a live worker reports: draining when its metadata says {@code draining: true},
   * busy when {@code tasks_running >= max_concurrent}, else online.
   */
  public static String fromMetadata(JsonObject metadata) {
    if (metadata == null) {
      return ONLINE;
    }
    if (Boolean.TRUE.equals(metadata.getValue("draining"))) {
      return DRAINING;
    }
    if (metadata.getValue("tasks_running") instanceof Number running
        && metadata.getValue("max_concurrent") instanceof Number max
        && max.longValue() > 0 && running.longValue() >= max.longValue()) {
      return BUSY;
    }
    return ONLINE;
  }

  /** Whether a worker in this status is alive (heartbeating): online, busy or draining. */
  public static boolean isLive(String status) {
    return ONLINE.equals(status) || BUSY.equals(status) || DRAINING.equals(status);
  }

  /** Whether "all" includes a worker in this status: it takes work now. */
  public static boolean takesWork(String status) {
    return ONLINE.equals(status) || BUSY.equals(status);
  }

  /** A status read from the database, unknown values read as offline. */
  public static String stored(String status) {
    return switch (status == null ? "" : status) {
      case ONLINE, BUSY, DRAINING, REVOKED -> status;
      default -> OFFLINE;
    };
  }
}
