package dev.pulse.registry.workers;

import dev.pulse.contracts.Addresses;
import io.vertx.core.eventbus.EventBus;
import java.util.function.Consumer;

/**
 * Publishes {@code worker_update} on every status change and tells whoever cares (the direct
 * commands) when a worker is lost: gone offline or deleted.
 */
final class WorkerEvents {

  private final EventBus bus;
  private final Consumer<Worker> onLost;

  WorkerEvents(EventBus bus, Consumer<Worker> onLost) {
    this.bus = bus;
    this.onLost = onLost;
  }

  /** The worker's current status, as it changed (or as it connected). */
  void status(Worker worker) {
    bus.publish(Addresses.EVENT_WORKER_UPDATE, worker.toEvent(worker.status()));
    if (WorkerStatus.OFFLINE.equals(worker.status()) || WorkerStatus.REVOKED.equals(worker.status())) {
      onLost.accept(worker);
    }
  }

  /** Every heartbeat's figures, for the dashboard's trends ({@code worker_metrics}). */
  void metrics(Worker worker) {
    bus.publish(Addresses.EVENT_WORKER_METRICS, worker.toJson().put("type", "worker_metrics")
        .put("worker_id", worker.id()));
  }

  void deleted(Worker worker) {
    bus.publish(Addresses.EVENT_WORKER_UPDATE, worker.toEvent(WorkerStatus.DELETED));
    onLost.accept(worker);
  }
}
