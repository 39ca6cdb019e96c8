package dev.pulse.registry.commands;

import static dev.pulse.contracts.LogKeys.COMMAND_ID;
import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;
import static dev.pulse.contracts.LogKeys.withIds;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandFinished;
import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.registry.workers.Fleet;
import dev.pulse.registry.workers.Worker;
import dev.pulse.registry.workers.WorkerStatus;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands run on one worker now ({@code POST /api/workers/:id/command}), outside any workflow.
 *
 * <p>The row is written before the dispatch, so a result can never arrive for a command the
 * registry does not know. Only the first result for a command id counts, with one exception:
 * when the registry itself gave up on a command (worker lost, unreachable or refusing), it
 * stores a marker result carrying one of {@link #MARKERS}; a real result arriving later
 * replaces the marker once, because what the worker reports actually happened while the marker
 * is only the registry's guess (a worker that dropped off the network may well have run it).
 * Every stored end, real or marker, is announced as {@code command_finished} on
 * {@link Addresses#EVENT_COMMAND}; ignored duplicates are not.
 */
public final class DirectCommands {

  private static final Logger LOG = LoggerFactory.getLogger(DirectCommands.class);

  /** The worker went offline or was deleted before reporting. */
  public static final String WORKER_LOST = "worker_lost";
  /** The dispatch did not reach the worker. */
  public static final String WORKER_UNREACHABLE = "worker_unreachable";
  /** The worker answered the dispatch with {@code accepted: false} or a failure such as 409 or 429. */
  public static final String WORKER_REFUSED = "worker_refused";
  /** Errors of the markers the registry writes itself; a real result may replace them. */
  static final List<String> MARKERS = List.of(WORKER_LOST, WORKER_UNREACHABLE, WORKER_REFUSED);

  /** The longest timeout a direct command may ask for: 24 h. */
  static final long MAX_TIMEOUT_MS = 86_400_000L;
  private static final int MAX_COMMAND_BYTES = 65_535;

  private final Fleet fleet;
  private final CommandStore store;
  private final WorkerClient workers;
  private final EventBus bus;

  public DirectCommands(Fleet fleet, Pool pool, WorkerClient workers, EventBus bus) {
    this.fleet = fleet;
    this.store = new CommandStore(pool);
    this.workers = workers;
    this.bus = bus;
  }

  /** {@code REGISTRY_COMMAND}: replies at once with {@code {command_id, worker_id, worker_name, status}}. */
  public Future<JsonObject> run(JsonObject body) {
    Object command = body.getValue("command");
    if (!(command instanceof String text) || text.isBlank()) {
      throw PulseException.badRequest("command is required: the shell command to run");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_COMMAND_BYTES) {
      throw PulseException.badRequest("command must be at most " + MAX_COMMAND_BYTES + " bytes");
    }
    long timeout = timeout(body.getValue("timeout"));
    Object target = body.getValue("worker_id");
    if (!(target instanceof String idOrName) || idOrName.isBlank()) {
      throw PulseException.badRequest("worker_id is required: the id or name of the worker to run the command on");
    }
    Worker worker = fleet.byIdOrName(idOrName);
    if (worker == null) {
      throw PulseException.notFound("Worker '" + idOrName + "' not found");
    }
    if (WorkerStatus.OFFLINE.equals(worker.status())) {
      throw PulseException.conflict("worker '" + worker.name() + "' is offline");
    }
    if (WorkerStatus.REVOKED.equals(worker.status())) {
      throw PulseException.conflict("worker '" + worker.name() + "' is revoked");
    }
    if (WorkerStatus.DRAINING.equals(worker.status())) {
      throw PulseException.conflict("worker '" + worker.name() + "' is draining and takes no new work");
    }
    Object by = body.getValue("requested_by");
    String requestedBy = by instanceof String name ? (name.length() > 255 ? name.substring(0, 255) : name) : null;
    CommandDispatch dispatch = new CommandDispatch(UUID.randomUUID().toString(), null, -1, worker.id(), text,
        timeout, null, null, Addresses.REGISTRY_RESULTS);
    return store.insert(dispatch.commandId(), worker.id(), worker.name(), text, timeout, requestedBy)
        .map(stored -> {
          LOG.atInfo().addKeyValue(COMMAND_ID, dispatch.commandId()).addKeyValue(WORKER_ID, worker.id())
              .addKeyValue(WORKER_NAME, worker.name())
              .log("Direct command {} for worker '{}' requested by {}", dispatch.commandId(), worker.name(),
                  requestedBy);
          dispatch(dispatch, worker);
          return new JsonObject().put("command_id", dispatch.commandId()).put("worker_id", worker.id())
              .put("worker_name", worker.name()).put("status", CommandStore.DISPATCHED);
        });
  }

  /** {@code REGISTRY_COMMAND_GET}: {@code {command_id}}, 404 when unknown. */
  public Future<JsonObject> get(JsonObject body) {
    Object value = body.getValue("command_id");
    if (!(value instanceof String id) || id.isBlank()) {
      throw PulseException.badRequest("command_id is required");
    }
    return store.get(id).map(found -> {
      if (found == null) {
        throw PulseException.notFound("Command '" + id + "' not found");
      }
      return found;
    });
  }

  /** {@code REGISTRY_RESULTS}: stores a {@link CommandResult} once; acknowledges duplicates too. */
  public Future<JsonObject> result(JsonObject body) {
    CommandResult result;
    try {
      result = CommandResult.fromJson(body);
    } catch (ClassCastException wrongType) {
      throw PulseException.badRequest("a command_result needs command_id, worker_id, success, exit_code, stdout,"
          + " stderr, duration and timestamp with their JSON types");
    }
    if (result.commandId() == null || result.commandId().isBlank()) {
      throw PulseException.badRequest("command_id is required");
    }
    return store.recordResult(result).map(counted -> {
      if (!counted) {
        LOG.atDebug().addKeyValue(COMMAND_ID, result.commandId()).addKeyValue(WORKER_ID, result.workerId())
            .log("Result for command {} ignored: already has one, or not a direct command", result.commandId());
        return new JsonObject().put("ok", true).put("duplicate", true);
      }
      announceStored(result);
      return new JsonObject().put("ok", true);
    });
  }

  /** Fails the waiting commands of a worker that went offline or was deleted. */
  public void workerLost(Worker worker) {
    String what = WorkerStatus.OFFLINE.equals(worker.status()) ? "went offline"
        : WorkerStatus.REVOKED.equals(worker.status()) ? "was revoked" : "was deleted";
    String message = "worker '" + worker.name() + "' " + what + " before reporting a result";
    store.waitingOn(worker.id())
        .compose(waiting -> failAll(waiting, message))
        .onSuccess(count -> {
          if (count > 0) {
            LOG.atInfo().addKeyValue(WORKER_ID, worker.id()).addKeyValue(WORKER_NAME, worker.name())
                .log("{} direct command(s) of worker '{}' failed: worker lost", count, worker.name());
          }
        })
        .onFailure(failure -> LOG.atWarn().addKeyValue(WORKER_ID, worker.id())
            .addKeyValue(WORKER_NAME, worker.name())
            .log("Could not fail the direct commands of lost worker {}: {}", worker.id(), failure.getMessage()));
  }

  /** At start: fails the waiting commands of workers that are offline or were deleted meanwhile. */
  public Future<Void> failOrphans() {
    return store.orphans()
        .compose(waiting -> failAll(waiting, "the worker was lost while the registry was down"))
        .onSuccess(count -> {
          if (count > 0) {
            LOG.info("{} direct command(s) of lost workers failed", count);
          }
        })
        .mapEmpty();
  }

  private void dispatch(CommandDispatch dispatch, Worker worker) {
    workers.execute(dispatch)
        .onSuccess(reply -> {
          if (Boolean.FALSE.equals(reply.getValue("accepted"))) {
            String reason = reply.getString("reason", reply.getString("error", "no reason given"));
            failDispatch(dispatch, worker, WORKER_REFUSED,
                "worker '" + worker.name() + "' refused the command: " + reason);
          }
        })
        .onFailure(failure -> {
          // The worker answers a dispatch it will not run (draining 409, queue full 429) with a failure.
          boolean refused = failure instanceof PulseException pulse && pulse.status() != ErrorCodes.UNAVAILABLE;
          failDispatch(dispatch, worker, refused ? WORKER_REFUSED : WORKER_UNREACHABLE, refused
              ? "worker '" + worker.name() + "' refused the command: " + failure.getMessage() : failure.getMessage());
        });
  }

  private void failDispatch(CommandDispatch dispatch, Worker worker, String error, String message) {
    withIds(LOG.atWarn(), dispatch).log("Direct command {} failed before running: {}", dispatch.commandId(), message);
    markFailed(new CommandStore.Waiting(dispatch.commandId(), worker.id(), worker.name(), false), error, message)
        .onFailure(failure -> withIds(LOG.atWarn(), dispatch)
            .log("Could not mark direct command {} failed: {}", dispatch.commandId(), failure.getMessage()));
  }

  /** Marks each command lost, one by one so that only those still waiting count and are announced. */
  private Future<Integer> failAll(List<CommandStore.Waiting> waiting, String message) {
    List<Future<Boolean>> marked = waiting.stream().map(command -> markFailed(command, WORKER_LOST, message))
        .toList();
    return Future.all(marked).map(all -> (int) marked.stream().filter(Future::result).count());
  }

  /** Stores a marker result unless the command has a result already; announces it when it counted. */
  private Future<Boolean> markFailed(CommandStore.Waiting command, String error, String message) {
    CommandResult marker = new CommandResult(command.commandId(), null, -1, command.workerId(), false, -1, "", "",
        0, false, false, error, System.currentTimeMillis());
    return store.markFailed(command.commandId(), marker.toJson().put("message", message))
        .andThen(done -> {
          if (done.succeeded() && done.result() && !command.workflow()) {
            announce(CommandFinished.of(marker, command.workerId(), command.workerName()));
          }
        });
  }

  /** A real result was stored: announces it under the command's own worker (the row's, not the sender's). */
  private void announceStored(CommandResult result) {
    store.owner(result.commandId())
        .onSuccess(owner -> {
          if (owner != null && !owner.workflow()) {
            announce(CommandFinished.of(result, owner.workerId(), owner.workerName()));
          }
        })
        .onFailure(failure -> LOG.warn("Stored the result of direct command {} but could not announce it: {}",
            result.commandId(), failure.getMessage()));
  }

  private void announce(CommandFinished finished) {
    bus.publish(Addresses.EVENT_COMMAND, finished.toJson());
  }

  private static long timeout(Object value) {
    if (value == null) {
      return CommandDispatch.DEFAULT_TIMEOUT_MS;
    }
    if (value instanceof Number number && number.doubleValue() >= 1 && number.doubleValue() <= MAX_TIMEOUT_MS) {
      return number.longValue();
    }
    throw PulseException.badRequest("timeout must be a positive number of milliseconds, at most " + MAX_TIMEOUT_MS
        + " (24 h)");
  }
}
