package dev.pulse.engine.run;

import static dev.pulse.contracts.LogKeys.WORKER_ID;

import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.EngineInternal;
import dev.pulse.engine.store.CommandStore;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ENGINE_RESULTS}: workers' step results. Recorded first (the first result per command
 * wins), then acknowledged, also for unknown and duplicate ids so that the worker stops
 * retrying. Only a database failure is refused (503), so the worker retries later.
 *
 * <p>When this node drives the result's execution, the result is decided and recorded in that
 * decision's write (one commit for both). Otherwise, or when that write fails, it is recorded
 * alone and the owner of the execution is told at once, here or through
 * {@link EngineInternal#COMMAND_RECORDED}.
 */
public final class ResultInbox {

  private static final Logger LOG = LoggerFactory.getLogger(ResultInbox.class);
  private static final JsonObject ACK = new JsonObject().put("ok", true);

  private final CommandStore commands;
  private final Runner runner;
  private final EventBus bus;

  public ResultInbox(CommandStore commands, Runner runner, EventBus bus) {
    this.commands = commands;
    this.runner = runner;
    this.bus = bus;
  }

  /** Records and acknowledges one {@code command_result}. */
  public Future<JsonObject> receive(JsonObject body) {
    CommandResult result = CommandResult.fromJson(body);
    if (result.commandId() == null) {
      LOG.atWarn().addKeyValue(WORKER_ID, result.workerId())
          .log("Ignoring a step result without command_id from worker {}", result.workerId());
      return Future.succeededFuture(ACK.copy());
    }
    return runner.decideAndRecord(result).recover(notHere -> recordAlone(result)).recover(Database::unavailable)
        .map(recorded -> ACK.copy());
  }

  private Future<Void> recordAlone(CommandResult result) {
    return commands.record(result).map(executionId -> {
      if (executionId != null && !runner.recorded(executionId, result.commandId(), result.toJson())) {
        bus.publish(EngineInternal.COMMAND_RECORDED, new JsonObject().put("execution_id", executionId)
            .put("command_id", result.commandId()).put("result", result.toJson()));
      }
      return null;
    });
  }

  /** Another node recorded a result: advance the execution if this node drives it. */
  public void recordedElsewhere(JsonObject body) {
    JsonObject result = body.getJsonObject("result");
    if (body.getString("execution_id") != null && result != null) {
      runner.recorded(body.getString("execution_id"), body.getString("command_id"), result);
    }
  }
}
