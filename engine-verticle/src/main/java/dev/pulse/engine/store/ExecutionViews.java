package dev.pulse.engine.store;

import dev.pulse.engine.definition.Variables;
import dev.pulse.storage.Database;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.Set;

/** The API's JSON for executions, built from their rows. */
final class ExecutionViews {

  private static final Set<String> ENDED = Set.of("completed", "failed", "cancelled");

  private ExecutionViews() {
  }

  /** The list form: no definition, steps or logs. */
  static JsonObject summary(Row row) {
    return new JsonObject().put("id", row.getString("id")).put("execution_id", row.getString("id"))
        .put("workflow_id", row.getString("workflow_id")).put("workflow_name", row.getString("workflow_name"))
        .put("status", row.getString("status")).put("started_by", row.getString("started_by"))
        .put("started_at", Database.instant(row, "started_at"))
        .put("completed_at", Database.instant(row, "completed_at"))
        .put("parent_execution_id", row.getString("parent_id"));
  }

  /**
   * The full form: the summary, the definition snapshot, per-step state with per-worker results,
   * the pending prompt (or null), the prompt answers and the logs in order: the row's with the
   * steps' rows ({@code steps}) and the log lines appended since it was last written in full.
   */
  static JsonObject full(Row row, Map<Integer, JsonObject> steps, JsonArray appendedLogs) {
    JsonObject definition = Database.jsonObject(row, "definition");
    JsonObject state = StateCodec.withSteps(Database.jsonObject(row, "state"), steps);
    JsonArray logs = Database.jsonArray(row, "logs");
    logs = (logs == null ? new JsonArray() : logs).addAll(appendedLogs);
    return summary(row).put("definition", definition)
        .put("params", state.getJsonObject("params", new JsonObject()))
        .put("current_step", state.getInteger("current_step", -1))
        .put("error", state.getString("error"))
        .put("steps", state.getJsonArray("steps", new JsonArray()))
        .put("prompt", pendingPrompt(row.getString("status"), definition, state))
        .put("prompt_response", state.getString("prompt_response"))
        .put("prompts", state.getJsonArray("prompts", new JsonArray()))
        .put("logs", logs);
  }

  /** Shows child execution {@code childId} as {@code status} wherever a step lists it and has not seen it end. */
  static void childStatus(JsonObject view, String childId, String status) {
    for (Object step : view.getJsonArray("steps", new JsonArray())) {
      JsonArray children = step instanceof JsonObject object ? object.getJsonArray("children") : null;
      for (Object item : children == null ? new JsonArray() : children) {
        JsonObject child = (JsonObject) item;
        if (childId.equals(child.getString("execution_id")) && !ENDED.contains(child.getString("status"))) {
          child.put("status", status);
        }
      }
    }
  }

  private static JsonObject pendingPrompt(String status, JsonObject definition, JsonObject state) {
    if (!"waiting_for_input".equals(status) || definition == null) {
      return null;
    }
    int current = state.getInteger("current_step", -1);
    JsonArray steps = definition.getJsonArray("steps", new JsonArray()).copy()
        .addAll(definition.getJsonArray("onFailure", new JsonArray()));
    JsonArray stepStates = state.getJsonArray("steps", new JsonArray());
    if (current < 0 || current >= steps.size() || current >= stepStates.size()) {
      return null;
    }
    JsonObject step = steps.getJsonObject(current);
    JsonObject stepState = stepStates.getJsonObject(current);
    String message = Variables.text(step.getString("message"), state.getJsonObject("params", new JsonObject()).getMap(),
        state.getJsonObject("vars", new JsonObject()).getMap());
    JsonObject prompt = new JsonObject().put("message", message).put("options", step.getJsonArray("options"))
        .put("step", current).put("name", stepState.getString("name"));
    if (step.containsKey("approvers") || step.containsKey("required")) {
      prompt.put("approvers", step.getJsonObject("approvers")).put("required", step.getInteger("required", 1))
          .put("votes", stepState.getJsonArray("votes", new JsonArray()));
    }
    if (stepState.getString("wake_at") != null) {
      prompt.put("timeout_at", stepState.getString("wake_at")).put("default_option", step.getString("defaultOption"));
    }
    return prompt;
  }
}
