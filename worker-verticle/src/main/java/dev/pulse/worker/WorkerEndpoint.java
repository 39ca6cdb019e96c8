package dev.pulse.worker;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusEndpoint;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.worker.exec.CommandScheduler;
import dev.pulse.worker.outbox.ResultOutbox;
import dev.pulse.worker.registry.RegistryLink;
import dev.pulse.worker.state.StateStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/** The worker's two addresses: command dispatches and control messages ({@code ping}, {@code cancel}, {@code drain}). */
final class WorkerEndpoint {

  private final String workerId;
  private final WorkerConfig config;
  private final CommandScheduler scheduler;
  private final ResultOutbox outbox;
  private final Supplier<RegistryLink.State> standing;
  private final BusEndpoint endpoint;

  WorkerEndpoint(EventBus bus, String workerId, WorkerConfig config, CommandScheduler scheduler, ResultOutbox outbox,
      Supplier<RegistryLink.State> standing) {
    this.workerId = workerId;
    this.config = config;
    this.scheduler = scheduler;
    this.outbox = outbox;
    this.standing = standing;
    this.endpoint = new BusEndpoint(bus)
        .on(Addresses.workerExecute(workerId), body -> Future.succeededFuture(execute(body)))
        .on(Addresses.workerControl(workerId), body -> Future.succeededFuture(control(body)));
  }

  /** Completes when both consumers are registered. */
  Future<Void> ready() {
    return endpoint.ready();
  }

  Future<Void> close() {
    return endpoint.close();
  }

  private JsonObject execute(JsonObject body) {
    switch (standing.get()) {
      case REFUSED -> throw new PulseException(ErrorCodes.FORBIDDEN, "worker not enrolled");
      case CONNECTING -> throw new PulseException(ErrorCodes.UNAVAILABLE,
          "worker " + config.name() + " is not connected to the registry yet; try again shortly");
      case ACCEPTED -> {
        // admitted below
      }
    }
    CommandDispatch dispatch = validate(body);
    JsonObject reply = scheduler.submit(dispatch);
    if (reply.getBoolean("duplicate", false)) {
      outbox.retryNow(dispatch.commandId());
    }
    return reply;
  }

  private CommandDispatch validate(JsonObject body) {
    CommandDispatch dispatch;
    try {
      dispatch = CommandDispatch.fromJson(body);
    } catch (ClassCastException e) {
      throw PulseException.badRequest("execute_command has a field of the wrong type");
    }
    if (dispatch.commandId() == null || !StateStore.SAFE_ID.matcher(dispatch.commandId()).matches()) {
      throw PulseException.badRequest("command_id is required: 1-128 letters, digits, '.', '_' or '-'");
    }
    if (dispatch.command() == null || dispatch.command().isBlank()) {
      throw PulseException.badRequest("command is required");
    }
    if (dispatch.replyTo() == null || dispatch.replyTo().isBlank()) {
      throw PulseException.badRequest("reply_to is required: the address the result goes to");
    }
    if (dispatch.workerId() != null && !dispatch.workerId().equals(workerId)) {
      throw PulseException.badRequest("this dispatch is for worker " + dispatch.workerId() + ", not " + workerId);
    }
    long timeout = body.getValue("timeout") instanceof Number given && given.longValue() > 0
        ? given.longValue() : config.defaultTimeoutMs();
    return new CommandDispatch(dispatch.commandId(), dispatch.executionId(), dispatch.stepIndex(), workerId,
        dispatch.command(), timeout, dispatch.cwd(), dispatch.env(), dispatch.replyTo());
  }

  private JsonObject control(JsonObject body) {
    String type = body.getString("type", "");
    switch (type) {
      case "ping":
        return new JsonObject().put("type", "pong").put("worker_id", workerId);
      case "cancel": {
        String commandId = body.getString("command_id");
        if (commandId == null) {
          throw PulseException.badRequest("cancel needs command_id");
        }
        String was = scheduler.cancel(commandId);
        if (was == null) {
          throw PulseException.notFound("command " + commandId + " is neither running nor queued on worker "
              + config.name());
        }
        return new JsonObject().put("ok", true).put("command_id", commandId).put("was", was);
      }
      case "drain":
        scheduler.drain();
        return new JsonObject().put("ok", true).put("running", scheduler.runningCount())
            .put("queued", scheduler.queuedCount());
      default:
        throw PulseException.badRequest("unknown control type '" + type + "': use ping, cancel or drain");
    }
  }
}
