package dev.pulse.worker;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusEndpoint;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowStep;
import dev.pulse.contracts.signing.WorkerKeyProof;
import dev.pulse.worker.exec.CommandScheduler;
import dev.pulse.worker.guard.CommandGate;
import dev.pulse.worker.outbox.ResultOutbox;
import dev.pulse.worker.registry.RegistryLink;
import dev.pulse.worker.state.StateStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The worker's three addresses: command dispatches, local workflows and control messages ({@code ping}, {@code cancel},
 * {@code drain}, {@code rotate_key}, {@code revoked}). Nothing runs and nothing changes unless the
 * {@link CommandGate} admits it.
 */
final class WorkerEndpoint {

  private static final int REMEMBERED_NONCES = 1000;

  private final String workerId;
  private final WorkerConfig config;
  private final CommandScheduler scheduler;
  private final ResultOutbox outbox;
  private final RegistryLink link;
  private final CommandGate gate;
  private final BusEndpoint endpoint;
  private final Set<String> usedNonces = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_NONCES;
    }
  });

  WorkerEndpoint(EventBus bus, String workerId, WorkerConfig config, CommandScheduler scheduler, ResultOutbox outbox,
      RegistryLink link, CommandGate gate) {
    this.workerId = workerId;
    this.config = config;
    this.scheduler = scheduler;
    this.outbox = outbox;
    this.link = link;
    this.gate = gate;
    this.endpoint = new BusEndpoint(bus)
        .on(Addresses.workerExecute(workerId), body -> Future.succeededFuture(execute(body)))
        .on(Addresses.workerWorkflow(workerId), body -> Future.succeededFuture(workflow(body)))
        .on(Addresses.workerControl(workerId), this::control);
  }

  /** Completes when both consumers are registered. */
  Future<Void> ready() {
    return endpoint.ready();
  }

  Future<Void> close() {
    return endpoint.close();
  }

  private JsonObject execute(JsonObject body) {
    CommandDispatch dispatch;
    try {
      dispatch = CommandDispatch.fromJson(body);
    } catch (ClassCastException e) {
      throw PulseException.badRequest("execute_command has a field of the wrong type");
    }
    gate.verify(dispatch);
    dispatch = validate(dispatch, body);
    gate.allowed(dispatch);
    requireEnrolled();
    JsonObject reply = scheduler.submit(dispatch);
    if (reply.getBoolean("duplicate", false)) {
      outbox.retryNow(dispatch.commandId());
    }
    return reply;
  }

  private JsonObject workflow(JsonObject body) {
    WorkflowDispatch dispatch;
    try {
      dispatch = WorkflowDispatch.fromJson(body);
    } catch (ClassCastException e) {
      throw PulseException.badRequest("execute_workflow has a field of the wrong type");
    }
    gate.verify(dispatch);
    validate(dispatch);
    requireEnrolled();
    JsonObject reply = scheduler.submit(dispatch);
    if (reply.getBoolean("duplicate", false)) {
      outbox.retryNow(dispatch.executionId());
    }
    return reply;
  }

  private void validate(WorkflowDispatch dispatch) {
    if (dispatch.executionId() == null || !StateStore.SAFE_ID.matcher(dispatch.executionId()).matches()) {
      throw PulseException.badRequest("execution_id is required: 1-128 letters, digits, '.', '_' or '-'");
    }
    if (dispatch.replyTo() == null || dispatch.replyTo().isBlank()) {
      throw PulseException.badRequest("reply_to is required: the address the result goes to");
    }
    if (dispatch.steps().isEmpty()) {
      throw PulseException.badRequest("workflow.steps must hold at least one step");
    }
    for (WorkflowStep step : dispatch.steps()) {
      boolean execute = WorkflowStep.EXECUTE.equals(step.type());
      if (!execute && !WorkflowStep.WAIT.equals(step.type())) {
        throw PulseException.badRequest("step type must be execute or wait");
      }
      if (execute && (step.command() == null || step.command().isBlank() || step.timeout() <= 0)) {
        throw PulseException.badRequest("an execute step needs a command and a positive timeout");
      }
      if (!execute && step.duration() < 0) {
        throw PulseException.badRequest("a wait step needs a duration of 0 or more milliseconds");
      }
    }
  }

  private void requireEnrolled() {
    switch (link.state()) {
      case REFUSED -> throw new PulseException(ErrorCodes.FORBIDDEN, "worker not enrolled");
      case CONNECTING -> throw new PulseException(ErrorCodes.UNAVAILABLE,
          "worker " + config.name() + " is not connected to the registry yet; try again shortly");
      case ACCEPTED -> {
        // admitted
      }
    }
  }

  private CommandDispatch validate(CommandDispatch dispatch, JsonObject body) {
    if (dispatch.commandId() == null || !StateStore.SAFE_ID.matcher(dispatch.commandId()).matches()) {
      throw PulseException.badRequest("command_id is required: 1-128 letters, digits, '.', '_' or '-'");
    }
    if (dispatch.command() == null || dispatch.command().isBlank()) {
      throw PulseException.badRequest("command is required");
    }
    if (dispatch.replyTo() == null || dispatch.replyTo().isBlank()) {
      throw PulseException.badRequest("reply_to is required: the address the result goes to");
    }
    long timeout = body.getValue("timeout") instanceof Number given && given.longValue() > 0
        ? given.longValue() : config.defaultTimeoutMs();
    return new CommandDispatch(dispatch.commandId(), dispatch.executionId(), dispatch.stepIndex(), workerId,
        dispatch.command(), timeout, dispatch.cwd(), dispatch.env(), dispatch.replyTo());
  }

  private Future<JsonObject> control(JsonObject body) {
    String type = body.getValue("type") instanceof String text ? text : "";
    if (type.equals("ping")) {
      return Future.succeededFuture(new JsonObject().put("type", "pong").put("worker_id", workerId));
    }
    gate.verifyControl(body);
    switch (type) {
      case "cancel":
        return Future.succeededFuture(cancel(body));
      case "drain":
        scheduler.drain();
        return Future.succeededFuture(new JsonObject().put("ok", true).put("running", scheduler.runningCount())
            .put("queued", scheduler.queuedCount()));
      case WorkerKeyProof.ROTATE_KEY: {
        String nonce = body.getValue("nonce") instanceof String text ? text : null;
        if (nonce == null || nonce.isBlank()) {
          throw PulseException.badRequest("rotate_key needs a nonce");
        }
        if (!usedNonces.add(nonce)) {
          throw PulseException.conflict("this rotate_key was already answered");
        }
        return link.rotateKey(nonce);
      }
      case WorkerKeyProof.REVOKED:
        return link.revoked().map(new JsonObject().put("ok", true));
      default:
        throw PulseException.badRequest("unknown control type '" + type
            + "': use ping, cancel, drain, rotate_key or revoked");
    }
  }

  private JsonObject cancel(JsonObject body) {
    String commandId = body.getValue("command_id") instanceof String text ? text : null;
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
}
