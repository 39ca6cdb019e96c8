package dev.pulse.registry.workers;

import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;

import dev.pulse.contracts.Heartbeat;
import dev.pulse.contracts.PulseException;
import dev.pulse.registry.RegistryConfig;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats, offline detection and the batched write-behind of both.
 *
 * <p>A heartbeat changes memory at once and only marks the worker dirty; a periodic flush writes
 * every dirty worker in one statement, so a large fleet costs one round trip per flush rather
 * than one per heartbeat. A crash loses at most one flush interval of metrics, which the next
 * heartbeat restores.
 */
final class Liveness {

  private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

  private final Fleet fleet;
  private final WorkerStore store;
  private final ApiKeys keys;
  private final WorkerEvents events;
  private final RegistryConfig config;
  private final RegistryMetrics metrics;
  private final Set<String> dirty = new LinkedHashSet<>();
  private boolean flushing;
  private long flushes;
  private long rows;
  private int maxRows;
  private long maxMillis;
  private long totalMillis;
  private long failures;

  Liveness(Fleet fleet, WorkerStore store, ApiKeys keys, WorkerEvents events, RegistryConfig config,
      RegistryMetrics metrics) {
    this.metrics = metrics;
    this.fleet = fleet;
    this.store = store;
    this.keys = keys;
    this.events = events;
    this.config = config;
  }

  /**
   * Loads every worker. Those silent for longer than the offline window are set offline first;
   * the others keep their stored status until the sweep decides, so that a registry restart
   * does not flap a healthy fleet offline for a whole heartbeat interval.
   */
  public Future<Void> load() {
    return store.offlineSilentSince(Instant.now().minus(config.offlineAfter()))
        .compose(marked -> store.loadAll())
        .map(workers -> {
          workers.forEach(fleet::put);
          long live = workers.stream().filter(w -> WorkerStatus.isLive(w.status())).count();
          LOG.info("Registry loaded {} workers ({} within their heartbeat window)", workers.size(), live);
          return null;
        });
  }

  /** {@code REGISTRY_HEARTBEAT}: replies {@code {status, worker_id}}. */
  public Future<JsonObject> heartbeat(JsonObject body) {
    Heartbeat heartbeat;
    try {
      heartbeat = Heartbeat.fromJson(body);
    } catch (ClassCastException wrongType) {
      throw PulseException.badRequest("a heartbeat is {worker_id, name, api_key, groups:[..], metadata:{..}}");
    }
    boolean byId = heartbeat.workerId() != null && !heartbeat.workerId().isBlank();
    if (!byId && (heartbeat.name() == null || heartbeat.name().isBlank())) {
      throw PulseException.badRequest("worker_id or name is required");
    }
    if (heartbeat.apiKey() == null || heartbeat.apiKey().isBlank()) {
      throw new PulseException(401, "api_key is required: the worker's key or the shared WORKER_API_KEY");
    }
    Worker worker = byId ? fleet.byId(heartbeat.workerId()) : fleet.byName(heartbeat.name().trim());
    if (worker == null) {
      throw PulseException.notFound("Worker '" + (byId ? heartbeat.workerId() : heartbeat.name())
          + "' is not registered; it must connect (worker_connect) again");
    }
    if (WorkerStatus.REVOKED.equals(worker.status())) {
      throw WorkerInput.revoked(worker.name());
    }
    if (!keys.isShared(heartbeat.apiKey()) && !keys.isOwn(heartbeat.apiKey(), worker)) {
      throw WorkerInput.refused(worker.name());
    }
    JsonObject metadata = WorkerInput.metadata(heartbeat.metadata());
    if (!heartbeat.groups().isEmpty()) {
      worker.groups(WorkerInput.groups(heartbeat.groups()));
    }
    if (metadata.getValue("version") instanceof String version) {
      worker.version(WorkerInput.version(version));
    }
    Instant now = Instant.now();
    if (WorkerStatus.isLive(worker.status())) {
      metrics.heartbeat(worker.lastHeartbeat(), now, config.heartbeatInterval());
    }
    worker.metadata(metadata).lastHeartbeat(now);
    String status = WorkerStatus.fromMetadata(metadata);
    if (!status.equals(worker.status())) {
      worker.status(status);
      events.status(worker);
    }
    events.metrics(worker);
    dirty.add(worker.id());
    return Future.succeededFuture(new JsonObject().put("status", status).put("worker_id", worker.id()));
  }

  /** Sets offline every live worker silent for longer than the offline window. */
  public void sweep() {
    Instant cutoff = Instant.now().minus(config.offlineAfter());
    List<Worker> lost = new ArrayList<>();
    for (Worker worker : fleet.all()) {
      if (WorkerStatus.isLive(worker.status())
          && (worker.lastHeartbeat() == null || worker.lastHeartbeat().isBefore(cutoff))) {
        lost.add(worker);
      }
    }
    for (Worker worker : lost) {
      LOG.atInfo().addKeyValue(WORKER_ID, worker.id()).addKeyValue(WORKER_NAME, worker.name())
          .log("Worker '{}' ({}) is offline: no heartbeat for {} intervals", worker.name(), worker.id(),
              config.offlineAfterMissed());
      worker.status(WorkerStatus.OFFLINE);
      dirty.add(worker.id());
      events.status(worker);
    }
    metrics.update(fleet.all());
  }

  /** Writes the dirty workers, one statement per {@link WorkerStore#FLUSH_CHUNK}; skips when one is running. */
  public Future<Void> flush() {
    if (flushing || dirty.isEmpty()) {
      return Future.succeededFuture();
    }
    flushing = true;
    List<String> ids = new ArrayList<>(dirty);
    dirty.clear();
    List<Worker> batch = new ArrayList<>();
    for (String id : ids) {
      Worker worker = fleet.byId(id);
      if (worker != null) {
        batch.add(worker);
      }
    }
    long began = System.nanoTime();
    return Database.inChunks(batch, WorkerStore.FLUSH_CHUNK, store::flush)
        .andThen(done -> flushing = false)
        .onSuccess(written -> record(batch.size(), (System.nanoTime() - began) / 1_000_000))
        .onFailure(failure -> {
          failures++;
          dirty.addAll(ids);
          LOG.warn("Writing {} worker heartbeats failed; retrying at the next flush: {}", batch.size(),
              failure.getMessage());
        })
        .mapEmpty();
  }

  /** How the flushes went so far. */
  public FlushStats stats() {
    return new FlushStats(flushes, rows, maxRows, maxMillis, totalMillis, failures);
  }

  private void record(int count, long millis) {
    flushes++;
    rows += count;
    maxRows = Math.max(maxRows, count);
    maxMillis = Math.max(maxMillis, millis);
    totalMillis += millis;
  }
}
