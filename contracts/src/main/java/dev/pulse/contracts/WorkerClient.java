package dev.pulse.contracts;

import dev.pulse.contracts.signing.DispatchSigner;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Typed client of one worker's addresses. A client made with a {@link DispatchSigner} signs every
 * dispatch and every control message except {@code ping}; workers refuse unsigned ones.
 */
public final class WorkerClient extends BusClient {

  private final DispatchSigner signer;

  /** A client that signs nothing: workers refuse its dispatches (for probes and tests). */
  public WorkerClient(EventBus bus, long timeoutMs) {
    this(bus, timeoutMs, null);
  }

  /** A client that signs with {@code signer} (the engine's and the registry's). */
  public WorkerClient(EventBus bus, long timeoutMs, DispatchSigner signer) {
    super(bus, timeoutMs);
    this.signer = signer;
  }

  /** Hands a command to its worker; yields {@code {accepted, queued}}, 503 when the worker is gone. */
  public Future<JsonObject> execute(CommandDispatch dispatch) {
    CommandDispatch sent = signer == null ? dispatch : signer.sign(dispatch);
    return request(Addresses.workerExecute(dispatch.workerId()), sent.toJson(), "worker " + dispatch.workerId());
  }

  /** Hands a local workflow to its worker; yields {@code {accepted, queued}}, 503 when the worker is gone. */
  public Future<JsonObject> executeWorkflow(WorkflowDispatch dispatch) {
    WorkflowDispatch sent = signer == null ? dispatch : signer.sign(dispatch);
    return request(Addresses.workerWorkflow(dispatch.workerId()), sent.toJson(), "worker " + dispatch.workerId());
  }

  /**
   * Sends a control message ({@code ping}, {@code cancel}, {@code drain}, {@code rotate_key},
   * {@code revoked}) to a worker, signed for that worker unless it is a {@code ping}.
   */
  public Future<JsonObject> control(String workerId, JsonObject message) {
    return control(workerId, message, -1);
  }

  /** Like {@link #control(String, JsonObject)}, waiting at most {@code timeoutMs} (negative: the default). */
  public Future<JsonObject> control(String workerId, JsonObject message, long timeoutMs) {
    boolean sign = signer != null && !"ping".equals(message.getString("type"));
    JsonObject body = sign ? signer.signControl(workerId, message) : message;
    String what = "worker " + workerId;
    return timeoutMs < 0 ? request(Addresses.workerControl(workerId), body, what)
        : request(Addresses.workerControl(workerId), body, what, timeoutMs);
  }
}
