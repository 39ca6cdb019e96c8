package dev.pulse.contracts;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Typed client of the engine's addresses. */
public final class EngineClient extends BusClient {

  private static final String WHAT = "engine";

  /** A client with the given request timeout. */
  public EngineClient(EventBus bus, long timeoutMs) {
    super(bus, timeoutMs);
  }

  private EngineClient(EventBus bus, long timeoutMs, Grant grant) {
    super(bus, timeoutMs, grant);
  }

  /** The same client, its change requests granted for {@code grant}'s actor and role. */
  @Override
  public EngineClient as(Grant grant) {
    return new EngineClient(bus(), timeoutMs(), grant);
  }

  /** Liveness probe. */
  public Future<JsonObject> ping() {
    return request(Addresses.ENGINE_PING, new JsonObject(), WHAT);
  }

  /** Creates a workflow; 400 with {@code details.problems} when the definition is invalid. */
  public Future<JsonObject> createWorkflow(JsonObject workflow) {
    return request(Addresses.ENGINE_WORKFLOW_CREATE, workflow, WHAT);
  }

  /** Every workflow. */
  public Future<JsonObject> listWorkflows() {
    return request(Addresses.ENGINE_WORKFLOW_LIST, new JsonObject(), WHAT);
  }

  /** One workflow; 404 when unknown. */
  public Future<JsonObject> getWorkflow(String id) {
    return request(Addresses.ENGINE_WORKFLOW_GET, new JsonObject().put("id", id), WHAT);
  }

  /** Replaces a workflow. */
  public Future<JsonObject> updateWorkflow(JsonObject workflow) {
    return request(Addresses.ENGINE_WORKFLOW_UPDATE, workflow, WHAT);
  }

  /** Deletes a workflow; 409 while an execution of it runs. */
  public Future<JsonObject> deleteWorkflow(String id) {
    return request(Addresses.ENGINE_WORKFLOW_DELETE, new JsonObject().put("id", id), WHAT);
  }

  /** A workflow's schedule ({@code cron} null when none is set); 404 for an unknown workflow. */
  public Future<JsonObject> getSchedule(String workflowId) {
    return request(Addresses.ENGINE_SCHEDULE_GET, new JsonObject().put("workflow_id", workflowId), WHAT);
  }

  /** Sets a workflow's schedule {@code {workflow_id, cron, time_zone?, enabled?, updated_by}}. */
  public Future<JsonObject> putSchedule(JsonObject schedule) {
    return request(Addresses.ENGINE_SCHEDULE_PUT, schedule, WHAT);
  }

  /** Starts an execution; yields {@code {id}}. */
  public Future<JsonObject> startExecution(JsonObject request) {
    return request(Addresses.ENGINE_EXECUTION_START, request, WHAT);
  }

  /** Lists executions ({@code {status?, workflow_id?, limit?, offset?}}). */
  public Future<JsonObject> listExecutions(JsonObject query) {
    return request(Addresses.ENGINE_EXECUTION_LIST, query, WHAT);
  }

  /** One execution with its logs. */
  public Future<JsonObject> getExecution(String id) {
    return request(Addresses.ENGINE_EXECUTION_GET, new JsonObject().put("id", id), WHAT);
  }

  /** Resumes a failed execution ({@code {id, resumed_by}}). */
  public Future<JsonObject> resume(JsonObject request) {
    return request(Addresses.ENGINE_EXECUTION_RESUME, request, WHAT);
  }

  /** Answers the pending prompt. */
  public Future<JsonObject> respond(JsonObject request) {
    return request(Addresses.ENGINE_EXECUTION_RESPOND, request, WHAT);
  }

  /** Cancels an execution. */
  public Future<JsonObject> cancel(JsonObject request) {
    return request(Addresses.ENGINE_EXECUTION_CANCEL, request, WHAT);
  }
}
