package dev.pulse.registry;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusEndpoint;
import dev.pulse.contracts.Heartbeat;
import dev.pulse.contracts.RegistryClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/** A bus consumer playing one worker: takes dispatches and control messages, and can keep heartbeating. */
final class StandInWorker {

  private final Vertx vertx;
  final String id;
  private final Promise<JsonObject> firstDispatch = Promise.promise();
  private final Promise<JsonObject> firstControl = Promise.promise();
  private long keepAliveTimer = -1;

  private StandInWorker(Vertx vertx, String id) {
    this.vertx = vertx;
    this.id = id;
  }

  /** Listens on the worker's execute and control addresses; {@code onExecute} makes the reply. */
  static Future<StandInWorker> start(Vertx vertx, String id, Function<JsonObject, Future<JsonObject>> onExecute) {
    return start(vertx, id, onExecute, body -> Future.succeededFuture(new JsonObject().put("ok", true)));
  }

  /** Like {@link #start(Vertx, String, Function)}, with {@code onControl} making the control replies. */
  static Future<StandInWorker> start(Vertx vertx, String id, Function<JsonObject, Future<JsonObject>> onExecute,
      Function<JsonObject, Future<JsonObject>> onControl) {
    StandInWorker worker = new StandInWorker(vertx, id);
    MessageConsumer<JsonObject> execute = vertx.eventBus().consumer(Addresses.workerExecute(id), message -> {
      worker.firstDispatch.tryComplete(message.body());
      onExecute.apply(message.body()).onSuccess(message::reply)
          .onFailure(failure -> BusEndpoint.fail(Addresses.workerExecute(id), message, failure));
    });
    MessageConsumer<JsonObject> control = vertx.eventBus().consumer(Addresses.workerControl(id), message -> {
      worker.firstControl.tryComplete(message.body());
      onControl.apply(message.body()).onSuccess(message::reply)
          .onFailure(failure -> BusEndpoint.fail(Addresses.workerControl(id), message, failure));
    });
    return Future.all(execute.completion(), control.completion()).map(worker);
  }

  /** Accepts every dispatch. */
  static Function<JsonObject, Future<JsonObject>> accepting() {
    return dispatch -> Future.succeededFuture(new JsonObject().put("accepted", true).put("queued", 0));
  }

  Future<JsonObject> dispatched() {
    return firstDispatch.future();
  }

  Future<JsonObject> controlled() {
    return firstControl.future();
  }

  /** Heartbeats every {@code periodMs} until {@link #stopHeartbeats()}. */
  StandInWorker heartbeatEvery(long periodMs, RegistryClient registry, String name, String key, JsonObject metadata) {
    Heartbeat heartbeat = new Heartbeat(id, name, key, List.of(), metadata);
    keepAliveTimer = vertx.setPeriodic(periodMs, tick -> registry.heartbeat(heartbeat));
    return this;
  }

  void stopHeartbeats() {
    vertx.cancelTimer(keepAliveTimer);
  }
}
