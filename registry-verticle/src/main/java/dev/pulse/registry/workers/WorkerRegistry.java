package dev.pulse.registry.workers;

import dev.pulse.contracts.WorkerClient;
import dev.pulse.registry.RegistryConfig;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.function.Consumer;

/** The worker side of the registry: enrolment, heartbeats, listing, deletion and target resolution. */
public final class WorkerRegistry {

  private final Enrolment enrolment;
  private final Liveness liveness;
  private final WorkerDirectory directory;
  private final KeyAdmin keyAdmin;

  /**
   * Wires the pieces.
   *
   * @param onLost called on the event loop when a worker goes offline or is deleted
   */
  private final RegistryMetrics metrics;

  public WorkerRegistry(RegistryConfig config, Pool pool, Fleet fleet, EventBus bus, WorkerClient workers,
      Consumer<Worker> onLost) {
    WorkerStore store = new WorkerStore(pool);
    ApiKeys keys = new ApiKeys(config.workerApiKey());
    WorkerEvents events = new WorkerEvents(bus, onLost);
    this.enrolment = new Enrolment(fleet, store, keys, events);
    this.metrics = new RegistryMetrics(Metrics.globalRegistry);
    this.liveness = new Liveness(fleet, store, keys, events, config, metrics);
    this.directory = new WorkerDirectory(fleet, store, events, workers);
    this.keyAdmin = new KeyAdmin(fleet, store, events, workers, Math.max(100, config.busTimeoutMs() / 2));
  }

  /** Loads the workers from the database. */
  public Future<Void> load() {
    return liveness.load();
  }

  public Future<JsonObject> connect(JsonObject body) {
    return enrolment.connect(body);
  }

  public Future<JsonObject> heartbeat(JsonObject body) {
    return liveness.heartbeat(body);
  }

  public Future<JsonObject> list(JsonObject body) {
    return directory.list(body);
  }

  public Future<JsonObject> delete(JsonObject body) {
    return directory.delete(body);
  }

  /** {@code REGISTRY_KEY_ROTATE}. */
  public Future<JsonObject> rotateKey(JsonObject body) {
    return keyAdmin.rotate(body);
  }

  /** {@code REGISTRY_KEY_REVOKE}. */
  public Future<JsonObject> revokeKey(JsonObject body) {
    return keyAdmin.revoke(body);
  }

  public Future<JsonObject> resolve(JsonObject body) {
    return directory.resolve(body);
  }

  /** Sets silent workers offline and refreshes the fleet meters. */
  public void sweep() {
    liveness.sweep();
  }

  /** Takes the registry's meters away. */
  public void close() {
    metrics.close();
  }

  /** Writes the workers whose heartbeat or status changed since the last flush. */
  public Future<Void> flush() {
    return liveness.flush();
  }

  public FlushStats flushStats() {
    return liveness.stats();
  }
}
