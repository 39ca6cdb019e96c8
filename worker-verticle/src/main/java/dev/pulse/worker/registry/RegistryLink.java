package dev.pulse.worker.registry;

import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;

import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.Heartbeat;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.WorkerConnect;
import dev.pulse.contracts.signing.WorkerKeyProof;
import dev.pulse.worker.WorkerConfig;
import dev.pulse.worker.state.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The worker's standing with the registry: connects (retrying with backoff while the registry is
 * unavailable, slowly while the key is refused), then heartbeats every interval, connecting again
 * when the registry forgets the worker. Confined to the worker's event loop.
 */
public final class RegistryLink {

  /** Whether the worker may run commands. */
  public enum State { CONNECTING, ACCEPTED, REFUSED }

  private static final Logger LOG = LoggerFactory.getLogger(RegistryLink.class);
  private static final long FIRST_RETRY_MS = 1000;
  private static final long MAX_RETRY_MS = 30_000;
  private static final long REFUSED_RETRY_MS = 30_000;

  private final Vertx vertx;
  private final RegistryClient registry;
  private final WorkerConfig config;
  private final Function<Identity, Future<Void>> saveIdentity;
  private final Supplier<JsonObject> taskFacts;
  private final Function<JsonObject, Future<JsonObject>> readMetrics;

  private Identity identity;
  private boolean useWorkerKey;
  private State state = State.CONNECTING;
  private long backoffMs;
  private long connectTimer = -1;
  private long heartbeatTimer = -1;
  private boolean connecting;
  private boolean beating;
  private boolean unavailableLogged;
  private boolean heartbeatFailing;
  private boolean stopped;

  /**
   * A link for this worker.
   *
   * @param saveIdentity stores the identity when the registry issues a worker key
   * @param taskFacts task counts and version for the heartbeat, read on the event loop
   * @param readMetrics reads the host's metrics off the event loop, merged with the given facts
   */
  public RegistryLink(Vertx vertx, RegistryClient registry, WorkerConfig config, Identity identity,
      Function<Identity, Future<Void>> saveIdentity, Supplier<JsonObject> taskFacts,
      Function<JsonObject, Future<JsonObject>> readMetrics) {
    this.vertx = vertx;
    this.registry = registry;
    this.config = config;
    this.identity = identity;
    this.useWorkerKey = identity.workerKey() != null;
    this.saveIdentity = saveIdentity;
    this.taskFacts = taskFacts;
    this.readMetrics = readMetrics;
  }

  public State state() {
    return state;
  }

  /** Starts connecting; never waits for the registry. */
  public void start() {
    connect();
  }

  /** Stops connecting and heartbeating. */
  public void stop() {
    stopped = true;
    vertx.cancelTimer(connectTimer);
    vertx.cancelTimer(heartbeatTimer);
  }

  /**
   * {@code rotate_key} (already verified as signed by a server node): makes and stores a new own
   * key and answers {@code {worker_id, key_hash, proof}}, the proof keyed with the old key (see
   * {@link WorkerKeyProof}). The key itself never leaves this host.
   */
  public Future<JsonObject> rotateKey(String nonce) {
    String oldKey = identity.workerKey();
    if (state != State.ACCEPTED || oldKey == null) {
      return Future.failedFuture(PulseException.conflict("worker " + config.name()
          + " holds no key of its own to rotate; it gets one when it enrols"));
    }
    String newKey = WorkerKeyProof.newKey();
    String newHash = WorkerKeyProof.hash(newKey);
    JsonObject reply = new JsonObject().put("worker_id", identity.workerId()).put("key_hash", newHash)
        .put("proof", WorkerKeyProof.proof(oldKey, nonce, newHash));
    Identity next = identity.withKey(newKey);
    return saveIdentity.apply(next)
        .onFailure(e -> ids(LOG.atError()).log("Cannot store a new worker key in {}: {}; the worker keeps its key",
            config.stateDir(), e.getMessage()))
        .map(saved -> {
          // Presented only once the reply is on its way, so the registry knows the key before any heartbeat shows it.
          vertx.runOnContext(v -> {
            identity = next;
            useWorkerKey = true;
            ids(LOG.atInfo()).log("Worker {} replaced its key at the registry's request", config.name());
          });
          return reply;
        });
  }

  /** {@code revoked} (already verified): stops working at once and forgets the revoked key. */
  public Future<Void> revoked() {
    if (state != State.REFUSED) {
      ids(LOG.atError()).log("Worker {} ({}) was revoked by an admin: it runs no commands until an admin deletes it"
          + " from PULSE and it enrols again", config.name(), identity.workerId());
    }
    state = State.REFUSED;
    useWorkerKey = false;
    identity = identity.withKey(null);
    retryIn(REFUSED_RETRY_MS);
    return saveIdentity.apply(identity);
  }

  private String presentedKey() {
    return useWorkerKey && identity.workerKey() != null ? identity.workerKey() : config.apiKey();
  }

  private void connect() {
    if (stopped || connecting) {
      return;
    }
    connecting = true;
    vertx.cancelTimer(connectTimer);
    connectTimer = -1;
    boolean withWorkerKey = useWorkerKey && identity.workerKey() != null;
    registry.connect(new WorkerConnect(identity.workerId(), config.name(), presentedKey(), config.groups(),
            config.version()))
        .onComplete(outcome -> {
          connecting = false;
          if (stopped) {
            return;
          }
          if (outcome.succeeded()) {
            connected(outcome.result(), withWorkerKey);
          } else {
            connectFailed(PulseException.from(outcome.cause(), "registry"), withWorkerKey);
          }
        });
  }

  private void connected(JsonObject reply, boolean withWorkerKey) {
    if (!reply.getBoolean("accepted", true)) {
      refused(reply.getString("reason", reply.getString("error", "not accepted")), withWorkerKey);
      return;
    }
    String replyId = reply.getString("worker_id");
    if (replyId != null && !replyId.equals(identity.workerId())) {
      ids(LOG.atWarn()).log("The registry answered with worker id {} but this worker is {}; keeping {}", replyId,
          identity.workerId(), identity.workerId());
    }
    if (state != State.ACCEPTED) {
      ids(LOG.atInfo()).log("Worker {} ({}) accepted by the registry", config.name(), identity.workerId());
    }
    state = State.ACCEPTED;
    backoffMs = 0;
    unavailableLogged = false;
    String issued = reply.getString("worker_key");
    if (issued != null && !issued.isBlank() && !issued.equals(identity.workerKey())) {
      identity = identity.withKey(issued);
      useWorkerKey = true;
      saveIdentity.apply(identity).onFailure(e -> ids(LOG.atError()).log(
          "Cannot store the worker key issued by the registry in {}: {}", config.stateDir(), e.getMessage()));
    }
    if (heartbeatTimer == -1) {
      heartbeatTimer = vertx.setPeriodic(config.heartbeatIntervalMs(), id -> beat());
    }
    beat();
  }

  private void connectFailed(PulseException failure, boolean withWorkerKey) {
    if (failure.status() == ErrorCodes.UNAUTHORIZED) {
      if (withWorkerKey) {
        ids(LOG.atWarn()).log("The registry refused the worker key stored in {}; enrolling again with"
            + " WORKER_API_KEY", config.stateDir());
        useWorkerKey = false;
        connect();
        return;
      }
      refused(failure.getMessage(), false);
      return;
    }
    if (state == State.REFUSED) {
      retryIn(REFUSED_RETRY_MS);
      return;
    }
    state = State.CONNECTING;
    if (!unavailableLogged) {
      if (failure.status() == ErrorCodes.UNAVAILABLE) {
        ids(LOG.atWarn()).log("Worker {} cannot reach the registry ({}); retrying with backoff", config.name(),
            failure.getMessage());
      } else {
        ids(LOG.atWarn()).log("The registry did not take worker {} ({} {}); retrying with backoff", config.name(),
            failure.status(), failure.getMessage());
      }
      unavailableLogged = true;
    }
    backoffMs = backoffMs == 0 ? FIRST_RETRY_MS : Math.min(backoffMs * 2, MAX_RETRY_MS);
    retryIn(backoffMs);
  }

  private void refused(String reason, boolean withWorkerKey) {
    if (state != State.REFUSED) {
      ids(LOG.atError()).log("Worker {} ({}) was refused by the registry: {}. It runs no commands until the registry"
          + " accepts its key; fix WORKER_API_KEY (retrying every {} s)", config.name(), identity.workerId(), reason,
          REFUSED_RETRY_MS / 1000);
    }
    state = State.REFUSED;
    retryIn(REFUSED_RETRY_MS);
  }

  private void retryIn(long delayMs) {
    if (stopped) {
      return;
    }
    vertx.cancelTimer(connectTimer);
    connectTimer = vertx.setTimer(delayMs, id -> {
      connectTimer = -1;
      connect();
    });
  }

  private void beat() {
    if (state != State.ACCEPTED || beating || stopped) {
      return;
    }
    beating = true;
    readMetrics.apply(taskFacts.get())
        .compose(metadata -> registry.heartbeat(new Heartbeat(identity.workerId(), config.name(), presentedKey(),
            config.groups(), metadata)))
        .onComplete(outcome -> {
          beating = false;
          if (stopped) {
            return;
          }
          if (outcome.succeeded()) {
            if (heartbeatFailing) {
              ids(LOG.atInfo()).log("Heartbeats of worker {} reach the registry again", config.name());
              heartbeatFailing = false;
            }
            return;
          }
          heartbeatFailed(PulseException.from(outcome.cause(), "registry"));
        });
  }

  private void heartbeatFailed(PulseException failure) {
    if (failure.status() == ErrorCodes.NOT_FOUND || failure.status() == ErrorCodes.UNAUTHORIZED) {
      ids(LOG.atInfo()).log("The registry does not take heartbeats of worker {} ({} {}); connecting again",
          config.name(), failure.status(), failure.getMessage());
      state = State.CONNECTING;
      heartbeatFailing = false;
      connect();
      return;
    }
    if (!heartbeatFailing) {
      ids(LOG.atWarn()).log("Heartbeat of worker {} failed ({}); still trying every interval", config.name(),
          failure.getMessage());
      heartbeatFailing = true;
    }
  }

  /** Every line of the link concerns this worker. */
  private LoggingEventBuilder ids(LoggingEventBuilder event) {
    return event.addKeyValue(WORKER_ID, identity.workerId()).addKeyValue(WORKER_NAME, config.name());
  }
}
