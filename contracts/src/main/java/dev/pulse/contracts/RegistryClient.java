package dev.pulse.contracts;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Typed client of the registry's addresses. */
public final class RegistryClient extends BusClient {

  private static final String WHAT = "registry";

  /** A client with the given request timeout. */
  public RegistryClient(EventBus bus, long timeoutMs) {
    super(bus, timeoutMs);
  }

  private RegistryClient(EventBus bus, long timeoutMs, Grant grant) {
    super(bus, timeoutMs, grant);
  }

  /** The same client, its change requests granted for {@code grant}'s actor and role. */
  @Override
  public RegistryClient as(Grant grant) {
    return new RegistryClient(bus(), timeoutMs(), grant);
  }

  /** Liveness probe. */
  public Future<JsonObject> ping() {
    return request(Addresses.REGISTRY_PING, new JsonObject(), WHAT);
  }

  /** Announces a worker; fails 401 when its key is refused. */
  public Future<JsonObject> connect(WorkerConnect connect) {
    return request(Addresses.REGISTRY_CONNECT, connect.toJson(), WHAT);
  }

  /** Records a heartbeat; fails 401 for a refused key, 404 when the worker must connect again. */
  public Future<JsonObject> heartbeat(Heartbeat heartbeat) {
    return request(Addresses.REGISTRY_HEARTBEAT, heartbeat.toJson(), WHAT);
  }

  /** Every known worker. */
  public Future<JsonArray> list() {
    return request(Addresses.REGISTRY_LIST, new JsonObject(), WHAT)
        .map(reply -> reply.getJsonArray("workers", new JsonArray()));
  }

  /** Deletes a worker; 404 when unknown. */
  public Future<JsonObject> delete(String workerId) {
    return request(Addresses.REGISTRY_DELETE, new JsonObject().put("worker_id", workerId), WHAT);
  }

  /**
   * Replaces a worker's own key (admin); yields {@code {worker_id, name, rotated, delivered, message}}.
   * 404 for an unknown worker, 409 for a revoked one.
   */
  public Future<JsonObject> rotateKey(String workerId, String requestedBy) {
    return request(Addresses.REGISTRY_KEY_ROTATE, new JsonObject().put("worker_id", workerId)
        .put("requested_by", requestedBy), WHAT);
  }

  /** Revokes a worker's key (admin); yields {@code {worker_id, name, revoked, status}}, 404 when unknown. */
  public Future<JsonObject> revokeKey(String workerId, String requestedBy) {
    return request(Addresses.REGISTRY_KEY_REVOKE, new JsonObject().put("worker_id", workerId)
        .put("requested_by", requestedBy), WHAT);
  }

  /** Resolves step targets to workers; 404 naming unknown targets. */
  public Future<JsonArray> resolve(List<String> targets) {
    return request(Addresses.REGISTRY_RESOLVE, new JsonObject().put("targets", new JsonArray(targets)), WHAT)
        .map(reply -> reply.getJsonArray("workers", new JsonArray()));
  }

  /** Runs one command on one worker now; yields {@code {command_id}}. */
  public Future<JsonObject> runCommand(JsonObject request) {
    return request(Addresses.REGISTRY_COMMAND, request, WHAT);
  }

  /**
   * Hands a local workflow ({@code {worker_id, name, steps, requested_by}}) to one worker; yields
   * {@code {workflow_run_id, worker_id, worker_name, status}}. 400 naming a bad field, 404, 409.
   */
  public Future<JsonObject> runWorkflow(JsonObject request) {
    return request(Addresses.REGISTRY_WORKFLOW, request, WHAT);
  }

  /** One direct command (or local workflow run, by its run id) with its result, when it has one. */
  public Future<JsonObject> command(String commandId) {
    return request(Addresses.REGISTRY_COMMAND_GET, new JsonObject().put("command_id", commandId), WHAT);
  }
}
