package dev.pulse.registry;

import dev.pulse.contracts.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Every {@code worker_update} the registry publishes, with futures for the ones a test waits for. */
final class EventLog {

  private record Waiter(Predicate<JsonObject> match, int times, Promise<JsonObject> promise) {
  }

  private final Vertx vertx;
  private final List<JsonObject> seen = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  EventLog(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.EVENT_WORKER_UPDATE,
        message -> received(message.body()));
    return consumer.completion();
  }

  /** The first event (already seen or to come) for the worker with that status. */
  Future<JsonObject> next(String workerId, String status) {
    return nth(workerId, status, 1);
  }

  /** The {@code times}-th event for the worker with that status. */
  synchronized Future<JsonObject> nth(String workerId, String status, int times) {
    Predicate<JsonObject> match = event -> workerId.equals(event.getString("worker_id"))
        && status.equals(event.getString("status"));
    int count = 0;
    for (JsonObject event : seen) {
      if (match.test(event) && ++count == times) {
        return Future.succeededFuture(event);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    waiters.add(new Waiter(match, times, promise));
    return promise.future();
  }

  synchronized List<JsonObject> all() {
    return new ArrayList<>(seen);
  }

  private synchronized void received(JsonObject event) {
    seen.add(event);
    waiters.removeIf(waiter -> waiter.match().test(event)
        && seen.stream().filter(waiter.match()).count() >= waiter.times() && waiter.promise().tryComplete(event));
  }
}
