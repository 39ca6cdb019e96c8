package dev.pulse.registry.workers;

import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;

import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.contracts.signing.WorkerKeyProof;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin's rotation and revocation of a worker's own key.
 *
 * <p>Rotation asks the connected worker, in a signed {@code rotate_key} control message, to make
 * its next key itself and to prove with the old one that it is the worker (see
 * {@link WorkerKeyProof}), so no key ever crosses the bus and a process answering in its place
 * gets nothing. When the worker cannot answer with a valid proof, its key is cleared instead:
 * the old key is refused all the same, and the worker gets a new one when it next enrols with
 * WORKER_API_KEY.
 */
final class KeyAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(KeyAdmin.class);

  private final Fleet fleet;
  private final WorkerStore store;
  private final WorkerEvents events;
  private final WorkerClient workers;
  private final long askTimeoutMs;

  /**
   * @param askTimeoutMs how long a worker may take to answer a rotation: well inside the caller's
   *     own bus timeout, so that the caller hears how the rotation ended
   */
  KeyAdmin(Fleet fleet, WorkerStore store, WorkerEvents events, WorkerClient workers, long askTimeoutMs) {
    this.fleet = fleet;
    this.store = store;
    this.events = events;
    this.workers = workers;
    this.askTimeoutMs = askTimeoutMs;
  }

  /** {@code REGISTRY_KEY_ROTATE}: {@code {worker_id, requested_by}}. */
  Future<JsonObject> rotate(JsonObject body) {
    Worker worker = find(body);
    if (WorkerStatus.REVOKED.equals(worker.status())) {
      throw PulseException.conflict("Worker '" + worker.name() + "' is revoked; delete it and let it enrol again"
          + " instead");
    }
    String requestedBy = requestedBy(body);
    String nonce = WorkerKeyProof.nonce();
    String oldHash = worker.keyHash();
    Future<String> newHash = !WorkerStatus.isLive(worker.status())
        ? Future.failedFuture(new IllegalStateException("it is " + worker.status()))
        : oldHash == null ? Future.failedFuture(new IllegalStateException("it holds no key of its own yet"))
        : workers.control(worker.id(), new JsonObject().put("type", WorkerKeyProof.ROTATE_KEY).put("nonce", nonce),
            askTimeoutMs)
            .map(reply -> {
              String hash = reply.getValue("key_hash") instanceof String text ? text : null;
              Object proof = reply.getValue("proof");
              if (!WorkerKeyProof.matches(oldHash, nonce, hash, proof instanceof String text ? text : null)) {
                throw new IllegalStateException("its answer did not prove it holds the old key");
              }
              return hash;
            });
    return newHash
        .transform(asked -> {
          String hash = asked.succeeded() ? asked.result() : null;
          String why = asked.failed() ? asked.cause().getMessage() : null;
          return replaceKey(worker.id(), oldHash, hash).map(delivered -> delivered
              ? result(worker, true, "Worker '" + worker.name() + "' now uses a new key; the old one is refused")
              : result(worker, false, "Worker '" + worker.name() + "' did not take a new key now"
                  + (why == null ? "" : " (" + why + ")") + "; its old key is refused, and it gets a new one when it"
                  + " next enrols with WORKER_API_KEY"));
        })
        .onSuccess(reply -> LOG.atInfo().addKeyValue(WORKER_ID, worker.id()).addKeyValue(WORKER_NAME, worker.name())
            .log("Key of worker '{}' ({}) rotated by {}: {}", worker.name(), worker.id(), requestedBy,
                reply.getBoolean("delivered") ? "the worker holds the new key" : "the old key is cleared"));
  }

  /** {@code REGISTRY_KEY_REVOKE}: {@code {worker_id, requested_by}}. */
  Future<JsonObject> revoke(JsonObject body) {
    Worker worker = find(body);
    String requestedBy = requestedBy(body);
    boolean wasLive = WorkerStatus.isLive(worker.status());
    boolean already = WorkerStatus.REVOKED.equals(worker.status());
    worker.keyHash(null).status(WorkerStatus.REVOKED);
    if (!already) {
      events.status(worker);
    }
    if (wasLive) {
      workers.control(worker.id(), new JsonObject().put("type", WorkerKeyProof.REVOKED))
          .onFailure(failure -> LOG.atDebug().addKeyValue(WORKER_ID, worker.id())
              .log("Could not tell revoked worker {} at once: {}", worker.id(), failure.getMessage()));
    }
    return store.revoke(worker.id()).map(done -> {
      LOG.atWarn().addKeyValue(WORKER_ID, worker.id()).addKeyValue(WORKER_NAME, worker.name())
          .log("Worker '{}' ({}) revoked by {}: its key and WORKER_API_KEY are refused until it is deleted",
              worker.name(), worker.id(), requestedBy);
      return new JsonObject().put("worker_id", worker.id()).put("name", worker.name()).put("revoked", true)
          .put("status", WorkerStatus.REVOKED);
    });
  }

  /**
   * Sets the key hash (null: cleared) in memory at once, so the old key is refused from now on,
   * then in the database. Yields whether {@code newHash} itself was stored: a worker that enrolled
   * again meanwhile has its key cleared instead, since the rotation raced its enrolment.
   */
  private Future<Boolean> replaceKey(String workerId, String expectedOld, String newHash) {
    Worker current = fleet.byId(workerId);
    if (current == null || WorkerStatus.REVOKED.equals(current.status())) {
      return Future.failedFuture(PulseException.conflict("Worker " + workerId
          + " was deleted or revoked meanwhile; nothing was changed"));
    }
    String stored = expectedOld != null && expectedOld.equals(current.keyHash()) ? newHash : null;
    current.keyHash(stored);
    return store.saveKey(workerId, stored).map(saved -> stored != null);
  }

  private static JsonObject result(Worker worker, boolean delivered, String message) {
    return new JsonObject().put("worker_id", worker.id()).put("name", worker.name()).put("rotated", true)
        .put("delivered", delivered).put("message", message);
  }

  private Worker find(JsonObject body) {
    Object value = body.getValue("worker_id");
    if (!(value instanceof String idOrName) || idOrName.isBlank()) {
      throw PulseException.badRequest("worker_id is required: the id or name of the worker");
    }
    Worker worker = fleet.byIdOrName(idOrName);
    if (worker == null) {
      throw PulseException.notFound("Worker '" + idOrName + "' not found");
    }
    return worker;
  }

  private static String requestedBy(JsonObject body) {
    Object by = body.getValue("requested_by");
    return by instanceof String name && !name.isBlank() ? name : "an admin";
  }
}
