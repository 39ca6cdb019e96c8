package dev.pulse.contracts;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Typed client of one worker's addresses. */
public final class WorkerClient extends BusClient {

  /** A client with the given request timeout. */
  public WorkerClient(EventBus bus, long timeoutMs) {
    super(bus, timeoutMs);
  }

  /** Hands a command to its worker; yields {@code {accepted, queued}}, 503 when the worker is gone. */
  public Future<JsonObject> execute(CommandDispatch dispatch) {
    return request(Addresses.workerExecute(dispatch.workerId()), dispatch.toJson(), "worker " + dispatch.workerId());
  }

  /** Sends a control message ({@code ping}, {@code cancel}, {@code drain}) to a worker. */
  public Future<JsonObject> control(String workerId, JsonObject message) {
    return request(Addresses.workerControl(workerId), message, "worker " + workerId);
  }
}
