package dev.pulse.contracts;

import dev.pulse.contracts.signing.BusGrants;
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

  /** Who a client's requests are granted for (see {@link BusGrants}). */
  public record Grant(BusGrants grants, String actor, String role) {
  }

  private final EventBus bus;
  private final long timeoutMs;
  private final Grant grant;

  /** A client with the given request timeout. */
  public BusClient(EventBus bus, long timeoutMs) {
    this(bus, timeoutMs, null);
  }

  /** A client whose requests carry a grant for {@code grant}'s actor and role (null: none). */
  public BusClient(EventBus bus, long timeoutMs, Grant grant) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
    this.grant = grant;
  }

  /** The same client granting its requests for {@code grant}. */
  public BusClient as(Grant grant) {
    return new BusClient(bus, timeoutMs, grant);
  }

  /** The request timeout. */
  protected long timeoutMs() {
    return timeoutMs;
  }

  /** Sends a request and yields the reply body, or a {@link PulseException}. */
  public Future<JsonObject> request(String address, JsonObject body, String what) {
    return request(address, body, what, timeoutMs);
  }

  /** Same as {@link #request(String, JsonObject, String)} with a specific timeout. */
  public Future<JsonObject> request(String address, JsonObject body, String what, long timeout) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout);
    if (grant != null) {
      options.addHeader(BusGrants.HEADER, grant.grants().grant(address, grant.actor(), grant.role(), body));
    }
    return bus.<JsonObject>request(address, body, options)
        .map(Message::body)
        .map(reply -> reply == null ? new JsonObject() : reply)
        .recover(failure -> Future.failedFuture(PulseException.from(failure, what)));
  }

  /** The bus, for publishing events. */
  public EventBus bus() {
    return bus;
  }
}
