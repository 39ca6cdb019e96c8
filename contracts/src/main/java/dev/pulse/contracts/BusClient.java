package dev.pulse.contracts;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The one place a request crosses the bus: explicit timeout, JSON in and out, failures
 * translated by {@link PulseException#from}. Typed clients build on it.
 */
public class BusClient {

  /** Default request timeout when none is configured. */
  public static final long DEFAULT_TIMEOUT_MS = 5_000;

  private final EventBus bus;
  private final long timeoutMs;

  /** A client with the given request timeout. */
  public BusClient(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
  }

  /** Sends a request and yields the reply body, or a {@link PulseException}. */
  public Future<JsonObject> request(String address, JsonObject body, String what) {
    return request(address, body, what, timeoutMs);
  }

  /** Same as {@link #request(String, JsonObject, String)} with a specific timeout. */
  public Future<JsonObject> request(String address, JsonObject body, String what, long timeout) {
    return bus.<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(timeout))
        .map(Message::body)
        .map(reply -> reply == null ? new JsonObject() : reply)
        .recover(failure -> Future.failedFuture(PulseException.from(failure, what)));
  }

  /** The bus, for publishing events. */
  public EventBus bus() {
    return bus;
  }
}
