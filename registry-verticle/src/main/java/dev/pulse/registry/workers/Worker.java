package dev.pulse.registry.workers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One worker as the registry knows it. Mutable and confined to the registry's event loop; the
 * database copy is written from it.
 */
public final class Worker {

  private final String id;
  private String name;
  private String status;
  private Instant lastHeartbeat;
  private String keyHash;
  private JsonObject metadata;
  private List<String> groups;
  private String version;

  public Worker(String id, String name, String status, Instant lastHeartbeat, String keyHash, JsonObject metadata,
      List<String> groups, String version) {
    this.id = id;
    this.name = name;
    this.status = status;
    this.lastHeartbeat = lastHeartbeat;
    this.keyHash = keyHash;
    this.metadata = metadata == null ? new JsonObject() : metadata;
    this.groups = groups == null ? List.of() : List.copyOf(groups);
    this.version = version;
  }

  /** A copy to prepare changes on before they are stored. */
  public Worker copy() {
    return new Worker(id, name, status, lastHeartbeat, keyHash, metadata.copy(), groups, version);
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String status() {
    return status;
  }

  public Instant lastHeartbeat() {
    return lastHeartbeat;
  }

  /** SHA-256 (hex) of the worker's own key, or null before one is issued. */
  public String keyHash() {
    return keyHash;
  }

  public JsonObject metadata() {
    return metadata;
  }

  public List<String> groups() {
    return groups;
  }

  public String version() {
    return version;
  }

  Worker name(String value) {
    this.name = value;
    return this;
  }

  Worker status(String value) {
    this.status = value;
    return this;
  }

  Worker lastHeartbeat(Instant value) {
    this.lastHeartbeat = value;
    return this;
  }

  Worker keyHash(String value) {
    this.keyHash = value;
    return this;
  }

  Worker metadata(JsonObject value) {
    this.metadata = value == null ? new JsonObject() : value;
    return this;
  }

  Worker groups(List<String> value) {
    this.groups = value == null ? List.of() : List.copyOf(value);
    return this;
  }

  Worker version(String value) {
    this.version = value;
    return this;
  }

  /** The form {@code REGISTRY_LIST} replies with (the spec's field names). */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("status", status)
        .put("groups", new JsonArray(groups))
        .put("last_heartbeat", lastHeartbeat == null ? null : lastHeartbeat.toString())
        .put("metadata", metadata.copy()).put("version", version);
  }

  /** The form {@code REGISTRY_RESOLVE} replies with. */
  public JsonObject toTarget() {
    return new JsonObject().put("worker_id", id).put("name", name).put("status", status)
        .put("groups", new JsonArray(groups));
  }

  /** The {@code worker_update} event for this worker's current status. */
  public JsonObject toEvent(String eventStatus) {
    return new JsonObject().put("type", "worker_update").put("worker_id", id).put("name", name)
        .put("status", eventStatus);
  }
}
