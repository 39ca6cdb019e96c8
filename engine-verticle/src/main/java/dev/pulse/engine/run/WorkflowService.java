package dev.pulse.engine.run;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.engine.definition.DefinitionValidator;
import dev.pulse.engine.store.WorkflowStore;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The workflow addresses: create, list, get, update, delete; each change is published once stored. */
public final class WorkflowService {

  private final WorkflowStore workflows;
  private final DefinitionValidator validator;
  private final EventBus bus;

  public WorkflowService(WorkflowStore workflows, DefinitionValidator validator, EventBus bus) {
    this.workflows = workflows;
    this.validator = validator;
    this.bus = bus;
  }

  /** {@code {name, description, definition, created_by}} → the stored workflow. */
  public Future<JsonObject> create(JsonObject request) {
    validator.require(request.getValue("name"), request.getValue("definition"));
    String id = UUID.randomUUID().toString();
    return referencesExist(request.getJsonObject("definition"), id).compose(checked -> workflows.insert(id, request.getString("name").trim(), description(request),
            request.getJsonObject("definition"), request.getString("created_by")))
        .recover(Database::unavailable)
        .onSuccess(stored -> publish("workflow_created", id));
  }

  /** {@code {}} → {@code {workflows:[...]}}. */
  public Future<JsonObject> list(JsonObject request) {
    return workflows.list().recover(Database::unavailable).map(list -> new JsonObject().put("workflows", list));
  }

  /** {@code {id}} → the workflow; 404 when unknown. */
  public Future<JsonObject> get(JsonObject request) {
    String id = ExecutionService.text(request, "id");
    return workflows.get(id).recover(Database::unavailable).compose(found -> found == null
        ? Future.failedFuture(notFound(id)) : Future.succeededFuture(found));
  }

  /** {@code {id, name, description, definition}} → the stored workflow; running executions keep their snapshot. */
  public Future<JsonObject> update(JsonObject request) {
    String id = ExecutionService.text(request, "id");
    validator.require(request.getValue("name"), request.getValue("definition"));
    return referencesExist(request.getJsonObject("definition"), id).compose(checked -> workflows.update(id,
            request.getString("name").trim(), description(request), request.getJsonObject("definition")))
        .recover(Database::unavailable)
        .compose(stored -> stored == null ? Future.failedFuture(notFound(id)) : Future.succeededFuture(stored))
        .onSuccess(stored -> publish("workflow_updated", id));
  }

  /** {@code {id}} → {@code {id, deleted: true}}; 404 when unknown, 409 while an execution of it is active. */
  public Future<JsonObject> delete(JsonObject request) {
    String id = ExecutionService.text(request, "id");
    return workflows.delete(id).recover(Database::unavailable).compose(outcome -> switch (outcome) {
      case "deleted" -> Future.succeededFuture(new JsonObject().put("id", id).put("deleted", true));
      case "missing" -> Future.failedFuture(notFound(id));
      default -> Future.failedFuture(PulseException.conflict("Workflow " + id
          + " has an execution in progress; cancel it or wait for it to finish, then delete"));
    }).onSuccess(deleted -> publish("workflow_deleted", id));
  }

  /**
   * Fails 400 with the problem list when a {@code workflow} step names a workflow that does not
   * exist ({@code self}, the workflow being saved, counts as existing).
   */
  private Future<Void> referencesExist(JsonObject definition, String self) {
    Map<String, String> references = DefinitionValidator.workflowReferences(definition);
    List<Future<JsonObject>> lookups = new ArrayList<>();
    List<String> paths = new ArrayList<>(references.keySet());
    for (String path : paths) {
      String id = references.get(path);
      lookups.add(id.equals(self) ? Future.succeededFuture(new JsonObject()) : workflows.get(id));
    }
    return Future.all(lookups).recover(Database::unavailable).compose(found -> {
      JsonArray problems = new JsonArray();
      for (int i = 0; i < paths.size(); i++) {
        if (found.resultAt(i) == null) {
          problems.add(new JsonObject().put("path", paths.get(i)).put("message", "no workflow has the id '"
              + references.get(paths.get(i)) + "'"));
        }
      }
      return problems.isEmpty() ? Future.succeededFuture() : Future.failedFuture(new PulseException(
          ErrorCodes.BAD_REQUEST, "The workflow definition has " + problems.size() + " problem(s)",
          new JsonObject().put("problems", problems)));
    });
  }

  private void publish(String type, String id) {
    bus.publish(Addresses.EVENT_WORKFLOW, new JsonObject().put("type", type).put("workflow_id", id));
  }

  private static String description(JsonObject request) {
    Object value = request.getValue("description");
    if (value != null && !(value instanceof String)) {
      throw PulseException.badRequest("description must be a string");
    }
    return (String) value;
  }

  private static PulseException notFound(String id) {
    return PulseException.notFound("Workflow " + id + " does not exist");
  }
}
