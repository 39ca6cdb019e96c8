package dev.pulse.bench;

import dev.pulse.contracts.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's own listener on {@link Addresses#EVENT_EXECUTION}, as a member of the cluster:
 * it learns that an execution ended the moment the engine publishes its final
 * {@code execution_status} (which the engine does only after storing it), without polling the API,
 * and it notes when each event reached it, the reference for the dashboards' delivery delay.
 */
final class Watch {

  /** How an execution ended, in {@link System#nanoTime()} terms. */
  record End(String status, long nanos, String error) {
  }

  private final Object lock = new Object();
  private final Map<String, Promise<End>> waiting = new HashMap<>();
  private final Map<String, End> early = new HashMap<>();
  private int duplicates;
  private final java.util.List<String> duplicateExamples = new java.util.ArrayList<>();
  private final Map<String, java.util.List<String>> eventsById = new HashMap<>();
  private Map<String, Double> reference;
  private MessageConsumer<JsonObject> consumer;

  Future<Void> start(Vertx vertx) {
    consumer = vertx.eventBus().consumer(Addresses.EVENT_EXECUTION, message -> onEvent(message.body()));
    return consumer.completion();
  }

  /** The end of execution {@code id}; call right after the POST answered (an early end is kept). */
  Future<End> end(String id) {
    synchronized (lock) {
      End done = early.remove(id);
      if (done != null) {
        return Future.succeededFuture(done);
      }
      Promise<End> promise = Promise.promise();
      waiting.put(id, promise);
      return promise.future();
    }
  }

  /** The events of execution {@code id} that reached this listener, in order (for diagnosing a lost end). */
  java.util.List<String> eventsOf(String id) {
    synchronized (lock) {
      return java.util.List.copyOf(eventsById.getOrDefault(id, java.util.List.of()));
    }
  }

  /** Forgets an execution nobody waits for any more (timed out). */
  void forget(String id) {
    synchronized (lock) {
      waiting.remove(id);
      early.remove(id);
    }
  }

  /** From now on, note the wall-clock arrival (epoch milliseconds, microsecond precision) of every event. */
  void recordReference() {
    synchronized (lock) {
      reference = new LinkedHashMap<>();
      duplicates = 0;
      duplicateExamples.clear();
    }
  }

  /** Events that arrived again with the same key since {@link #recordReference()}. */
  int referenceDuplicates() {
    synchronized (lock) {
      return duplicates;
    }
  }

  /** A few of the events that arrived twice, as JSON. */
  java.util.List<String> duplicateExamples() {
    synchronized (lock) {
      return java.util.List.copyOf(duplicateExamples);
    }
  }

  /** Stops noting and hands over what was noted: event key → arrival. */
  Map<String, Double> takeReference() {
    synchronized (lock) {
      Map<String, Double> taken = reference == null ? Map.of() : reference;
      reference = null;
      return taken;
    }
  }

  /**
   * The key the dashboard clients compute the same way (bench/dashboards.js): the fields that tell
   * one event of an execution from another.
   */
  static String baseKey(JsonObject event) {
    return String.join("|", text(event.getValue("execution_id")), text(event.getValue("type")),
        text(event.getValue("status")), text(event.getValue("step")), text(event.getValue("worker_id")));
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  private void onEvent(JsonObject event) {
    long nanos = System.nanoTime();
    Instant wall = Instant.now();
    String id = event.getString("execution_id");
    Promise<End> promise;
    End end;
    synchronized (lock) {
      if (id != null) {
        eventsById.computeIfAbsent(id, k -> new java.util.ArrayList<>())
            .add(event.getString("type") + (event.getValue("status") == null ? "" : ":" + event.getValue("status")));
      }
      if (reference != null) {
        // the first arrival is the reference; an event published twice shows up as duplicates
        String key = baseKey(event);
        if (reference.putIfAbsent(key, wall.getEpochSecond() * 1000.0 + wall.getNano() / 1e6) != null) {
          duplicates++;
          if (duplicateExamples.size() < 5) {
            duplicateExamples.add(event.encode());
          }
        }
      }
      if (id == null || !"execution_status".equals(event.getString("type"))) {
        return;
      }
      String status = event.getString("status");
      if (!"completed".equals(status) && !"failed".equals(status) && !"cancelled".equals(status)) {
        return;
      }
      end = new End(status, nanos, event.getString("error"));
      promise = waiting.remove(id);
      if (promise == null) {
        early.put(id, end);
      }
    }
    if (promise != null) {
      promise.complete(end);
    }
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
