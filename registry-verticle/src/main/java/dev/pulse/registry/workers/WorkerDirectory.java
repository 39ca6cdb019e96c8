package dev.pulse.registry.workers;

import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;

import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkerClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listing, deleting and resolving workers. */
final class WorkerDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerDirectory.class);
  private static final int MAX_TARGETS = 1000;

  private final Fleet fleet;
  private final WorkerStore store;
  private final WorkerEvents events;
  private final WorkerClient workers;

  WorkerDirectory(Fleet fleet, WorkerStore store, WorkerEvents events, WorkerClient workers) {
    this.fleet = fleet;
    this.store = store;
    this.events = events;
    this.workers = workers;
  }

  /** {@code REGISTRY_LIST}: every worker, sorted by name. */
  Future<JsonObject> list(JsonObject body) {
    JsonArray out = new JsonArray();
    fleet.sorted().forEach(worker -> out.add(worker.toJson()));
    return Future.succeededFuture(new JsonObject().put("workers", out));
  }

  /** {@code REGISTRY_DELETE}: {@code {worker_id}} (an id or a name). */
  Future<JsonObject> delete(JsonObject body) {
    Object value = body.getValue("worker_id");
    if (!(value instanceof String idOrName) || idOrName.isBlank()) {
      throw PulseException.badRequest("worker_id is required: the id of the worker to delete");
    }
    Worker worker = fleet.byIdOrName(idOrName);
    if (worker == null) {
      throw PulseException.notFound("Worker '" + idOrName + "' not found");
    }
    return store.delete(worker.id()).map(deleted -> {
      if (fleet.byId(worker.id()) == worker) {
        fleet.remove(worker.id());
      }
      LOG.atInfo().addKeyValue(WORKER_ID, worker.id()).addKeyValue(WORKER_NAME, worker.name())
          .log("Worker '{}' ({}) deleted", worker.name(), worker.id());
      events.deleted(worker);
      // Best effort: a deleted worker that is still running should stop taking work.
      workers.control(worker.id(), new JsonObject().put("type", "drain"))
          .onFailure(failure -> LOG.atDebug().addKeyValue(WORKER_ID, worker.id())
              .log("Could not tell deleted worker {} to drain: {}", worker.id(), failure.getMessage()));
      return new JsonObject().put("deleted", true).put("worker_id", worker.id()).put("name", worker.name());
    });
  }

  /** {@code REGISTRY_RESOLVE}: {@code {targets:[..]}} to {@code {workers:[{worker_id, name, status, groups}]}}. */
  Future<JsonObject> resolve(JsonObject body) {
    Object value = body.getValue("targets");
    List<String> targets = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object target : array) {
        if (!(target instanceof String text) || text.isBlank()) {
          targets = null;
          break;
        }
        targets.add(text.trim());
      }
    }
    if (!(value instanceof JsonArray) || targets == null || targets.isEmpty() || targets.size() > MAX_TARGETS) {
      throw PulseException.badRequest("targets must be a non-empty list (at most " + MAX_TARGETS
          + ") of 'all', worker names or group names");
    }
    Fleet.Resolution resolution = fleet.resolve(targets);
    if (!resolution.unknown().isEmpty()) {
      throw new PulseException(404, "Unknown target(s): " + String.join(", ", resolution.unknown())
          + "; expected 'all', a worker name or a group", new JsonObject().put("unknown",
          new JsonArray(resolution.unknown())));
    }
    JsonArray out = new JsonArray();
    resolution.workers().forEach(worker -> out.add(worker.toTarget()));
    return Future.succeededFuture(new JsonObject().put("workers", out));
  }
}
