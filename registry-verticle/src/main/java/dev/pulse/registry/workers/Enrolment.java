package dev.pulse.registry.workers;

import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;

import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkerConnect;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code worker_connect}: who may join, under which name, and the per-worker key.
 *
 * <p>The shared WORKER_API_KEY enrols; each enrolment with it issues a fresh per-worker key (a
 * worker that still holds its own key presents that one, so one that presents the shared key has
 * lost it or never had one). Only the key's SHA-256 is stored; the plain key is in the reply only.
 * A revoked worker is refused whatever key it presents, by id and by name, until it is deleted.
 */
final class Enrolment {

  private static final Logger LOG = LoggerFactory.getLogger(Enrolment.class);

  private final Fleet fleet;
  private final WorkerStore store;
  private final ApiKeys keys;
  private final WorkerEvents events;

  Enrolment(Fleet fleet, WorkerStore store, ApiKeys keys, WorkerEvents events) {
    this.fleet = fleet;
    this.store = store;
    this.keys = keys;
    this.events = events;
  }

  /** {@code REGISTRY_CONNECT}: replies {@code {accepted, worker_id, worker_key?}}. */
  Future<JsonObject> connect(JsonObject body) {
    WorkerConnect connect;
    try {
      connect = WorkerConnect.fromJson(body);
    } catch (ClassCastException wrongType) {
      throw PulseException.badRequest("worker_connect is {worker_id, worker_name, api_key, groups:[..], version}");
    }
    String id = WorkerInput.id(connect.workerId());
    String name = WorkerInput.name(connect.workerName());
    List<String> groups = WorkerInput.groups(connect.groups());
    Worker existing = fleet.byId(id);
    Worker holder = fleet.byName(name);
    for (Worker known : new Worker[] {existing, holder}) {
      if (known != null && WorkerStatus.REVOKED.equals(known.status())) {
        LOG.atWarn().addKeyValue(WORKER_ID, id).addKeyValue(WORKER_NAME, name)
            .log("Refused worker '{}' ({}): worker '{}' ({}) is revoked", name, id, known.name(), known.id());
        throw WorkerInput.revoked(known.name());
      }
    }
    boolean shared = keys.isShared(connect.apiKey());
    if (!shared && !keys.isOwn(connect.apiKey(), existing)) {
      LOG.atWarn().addKeyValue(WORKER_ID, id).addKeyValue(WORKER_NAME, name)
          .log("Refused worker '{}' ({}): API key not accepted", name, id);
      throw WorkerInput.refused(name);
    }
    Worker displaced = null;
    if (holder != null && !holder.id().equals(id)) {
      if (WorkerStatus.isLive(holder.status())) {
        throw PulseException.conflict("Worker name '" + name + "' belongs to worker " + holder.id()
            + ", which is " + holder.status() + "; stop or delete that worker first, or choose another WORKER_NAME");
      }
      // An offline holder is a host that was reinstalled under a new id: the name moves over.
      displaced = holder;
    }
    ApiKeys.Issued issued = shared ? keys.issue() : null;
    Worker candidate = existing != null ? existing.copy()
        : new Worker(id, name, WorkerStatus.ONLINE, null, null, new JsonObject(), groups, null);
    candidate.name(name).groups(groups).status(WorkerStatus.ONLINE).lastHeartbeat(Instant.now());
    if (connect.version() != null) {
      candidate.version(WorkerInput.version(connect.version()));
    }
    if (issued != null) {
      candidate.keyHash(issued.hash());
    }
    Worker takenFrom = displaced;
    return store.saveConnected(candidate, takenFrom).compose(saved -> {
      Worker current = fleet.byId(id);
      if (current != null && WorkerStatus.REVOKED.equals(current.status())) {
        // revoked while this connect was being stored: the revocation wins, in the database too
        return store.revoke(id).compose(undone -> Future.failedFuture(WorkerInput.revoked(name)));
      }
      if (current != null) {
        candidate.metadata(current.metadata());
      }
      if (takenFrom != null && fleet.remove(takenFrom.id()) != null) {
        LOG.atInfo().addKeyValue(WORKER_ID, id).addKeyValue(WORKER_NAME, name)
            .log("Worker '{}' moved from offline worker {} to {}", name, takenFrom.id(), id);
        events.deleted(takenFrom);
      }
      fleet.put(candidate);
      events.status(candidate);
      LOG.atInfo().addKeyValue(WORKER_ID, id).addKeyValue(WORKER_NAME, name)
          .log("Worker '{}' ({}) connected{}", name, id, existing == null ? " for the first time" : "");
      JsonObject reply = new JsonObject().put("accepted", true).put("worker_id", id);
      if (issued != null) {
        reply.put("worker_key", issued.plain());
      }
      return Future.succeededFuture(reply);
    });
  }
}
