package dev.pulse.contracts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A worker's periodic report to the registry, over the bus or {@code POST /api/workers/heartbeat}.
 *
 * @param workerId the worker's stable id
 * @param name the worker's name ({@code WORKER_NAME})
 * @param apiKey the key the worker presents; never logged
 * @param groups the groups the worker belongs to
 * @param metadata metrics and facts: cpu, load, memory, disk, uptime, tasks, version
 */
public record Heartbeat(String workerId, String name, String apiKey, List<String> groups, JsonObject metadata) {

  /** Reads a heartbeat from its wire form ({@code {worker_id, name, api_key, groups, metadata}}). */
  public static Heartbeat fromJson(JsonObject json) {
    return new Heartbeat(json.getString("worker_id"), json.getString("name"), json.getString("api_key"),
        Wire.strings(json.getJsonArray("groups")), json.getJsonObject("metadata", new JsonObject()));
  }

  /** The wire form. */
  public JsonObject toJson() {
    return new JsonObject().put("worker_id", workerId).put("name", name).put("api_key", apiKey)
        .put("groups", new JsonArray(groups == null ? List.of() : groups)).put("metadata", metadata);
  }
}
