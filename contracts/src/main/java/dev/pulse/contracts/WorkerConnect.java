package dev.pulse.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code worker_connect}: a worker announcing itself to the registry.
 *
 * @param workerId the worker's stable id, kept in its state file
 * @param workerName the worker's name
 * @param apiKey the enrolment key or the worker's own key; never logged
 * @param groups the groups the worker belongs to
 * @param version the agent's version
 */
public record WorkerConnect(String workerId, String workerName, String apiKey, List<String> groups, String version) {

  /** Reads the wire form ({@code {worker_id, worker_name, api_key, groups, version}}). */
  public static WorkerConnect fromJson(JsonObject json) {
    return new WorkerConnect(json.getString("worker_id"), json.getString("worker_name"), json.getString("api_key"),
        Wire.strings(json.getJsonArray("groups")), json.getString("version"));
  }

  /** The wire form. */
  public JsonObject toJson() {
    return new JsonObject().put("type", "worker_connect").put("worker_id", workerId).put("worker_name", workerName)
        .put("api_key", apiKey).put("groups", new JsonArray(groups == null ? List.of() : groups))
        .put("version", version);
  }
}
