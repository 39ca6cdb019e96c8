package dev.pulse.worker.exec;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandResult;
import io.vertx.core.json.JsonObject;

/**
 * A command's outcome together with the dispatch it answers.
 *
 * @param dispatch the dispatch, for its {@code reply_to}
 * @param result the result
 * @param liveOutputCapped whether live chunks stopped before the output ended
 */
public record Finished(CommandDispatch dispatch, CommandResult result, boolean liveOutputCapped) {

  /** The result's wire form; {@code live_output_capped} is added only when it is true. */
  public JsonObject resultJson() {
    JsonObject json = result.toJson();
    if (liveOutputCapped) {
      json.put("live_output_capped", true);
    }
    return json;
  }
}
