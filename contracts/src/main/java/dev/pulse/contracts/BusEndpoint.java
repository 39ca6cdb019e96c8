package dev.pulse.contracts;

import dev.pulse.contracts.signing.BusGrants;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a component's request consumers and turns each handler's outcome into a reply: a
 * {@link PulseException} becomes {@code fail(status, body)}, any other failure a 500 whose cause
 * is logged here and never sent.
 */
public final class BusEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(BusEndpoint.class);

  private final EventBus bus;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final Map<String, Set<String>> policy = new HashMap<>();
  private BusGrants grants;

  /** An endpoint on the given bus. */
  public BusEndpoint(EventBus bus) {
    this.bus = bus;
  }

  /**
   * Guards addresses: a request to one of {@code policy}'s addresses is handled only with a
   * valid grant ({@link BusGrants}) for one of the roles listed for it; others get 401 or 403.
   * Call before {@link #on}.
   *
   * @return this, for chaining
   */
  public BusEndpoint guard(BusGrants grants, Map<String, Set<String>> policy) {
    this.grants = grants;
    this.policy.putAll(policy);
    return this;
  }

  /**
   * Handles requests to {@code address}; a null body is read as an empty object.
   *
   * @return this, for chaining
   */
  public BusEndpoint on(String address, Function<JsonObject, Future<JsonObject>> handler) {
    Set<String> roles = policy.get(address);
    MessageConsumer<JsonObject> consumer = bus.consumer(address, message -> {
      if (roles != null) {
        try {
          grants.check(address, message.headers().get(BusGrants.HEADER), message.body(), roles);
        } catch (PulseException refused) {
          LOG.warn("Refused a request to {}: {}", address, refused.getMessage());
          fail(address, message, refused);
          return;
        }
      }
      handle(address, message, handler);
    });
    consumers.add(consumer);
    return this;
  }

  /** Completes when every consumer is registered cluster-wide. */
  public Future<Void> ready() {
    List<Future<Void>> all = new ArrayList<>();
    for (MessageConsumer<JsonObject> consumer : consumers) {
      all.add(consumer.completion());
    }
    return Future.all(all).mapEmpty();
  }

  /** Unregisters every consumer. */
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    for (MessageConsumer<JsonObject> consumer : consumers) {
      all.add(consumer.unregister());
    }
    consumers.clear();
    return Future.join(all).mapEmpty();
  }

  private static void handle(String address, Message<JsonObject> message,
      Function<JsonObject, Future<JsonObject>> handler) {
    JsonObject body = message.body() == null ? new JsonObject() : message.body();
    Future<JsonObject> outcome;
    try {
      outcome = handler.apply(body);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onSuccess(message::reply).onFailure(failure -> fail(address, message, failure));
  }

  /** Fails a message the way every PULSE endpoint does. */
  public static void fail(String address, Message<?> message, Throwable failure) {
    if (failure instanceof PulseException pulse) {
      message.fail(pulse.status(), pulse.toFailureMessage());
    } else {
      LOG.error("Request to {} failed", address, failure);
      message.fail(ErrorCodes.INTERNAL, new PulseException(ErrorCodes.INTERNAL,
          "Internal error; the server log has the cause").toFailureMessage());
    }
  }
}
