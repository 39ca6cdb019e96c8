package dev.pulse.api;

import dev.pulse.api.auth.Identity;
import dev.pulse.api.auth.SsoAuthHandler;
import dev.pulse.contracts.Heartbeat;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code /api/workers} (with direct commands and local workflows) and {@code /api/commands}: the registry's REST face. */
final class WorkerRoutes {

  private final RegistryClient registry;
  private final Replies replies;
  private final Grants grants;

  WorkerRoutes(RegistryClient registry, Replies replies, Grants grants) {
    this.registry = registry;
    this.replies = replies;
    this.grants = grants;
  }

  void mountHeartbeat(Router router) {
    router.post("/api/workers/heartbeat").handler(Replies.json(200, ctx -> {
      JsonObject body = Failures.body(ctx);
      String key = ctx.request().getHeader("X-API-Key");
      if (key == null || key.isBlank()) {
        throw new PulseException(401, "The X-API-Key header is required");
      }
      String name = body.getString("name");
      if (name == null || name.isBlank()) {
        throw PulseException.badRequest("name is required: the worker's name");
      }
      Object metadata = body.getValue("metadata");
      if (metadata != null && !(metadata instanceof JsonObject)) {
        throw PulseException.badRequest("metadata must be a JSON object");
      }
      return registry.heartbeat(new Heartbeat(body.getString("worker_id"), name, key,
          Wire.strings(body.getJsonArray("groups")), metadata == null ? new JsonObject() : (JsonObject) metadata));
    }));
  }

  void mount(Router router) {
    router.get("/api/workers").handler(Replies.json(200, ctx -> registry.list()));
    router.delete("/api/workers/:id").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(200, new Replies.Audit("worker.delete", "worker",
            (ctx, reply) -> ctx.pathParam("id"), null), ctx -> registry.as(grants.of(ctx)).delete(ctx.pathParam("id"))));
    router.post("/api/workers/:id/key/rotate").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(200, new Replies.Audit("worker.key.rotate", "worker",
            (ctx, reply) -> reply.getString("worker_id", ctx.pathParam("id")), null),
            ctx -> registry.as(grants.of(ctx)).rotateKey(ctx.pathParam("id"), ApiVerticle.caller(ctx))));
    router.post("/api/workers/:id/key/revoke").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(200, new Replies.Audit("worker.key.revoke", "worker",
            (ctx, reply) -> reply.getString("worker_id", ctx.pathParam("id")), null),
            ctx -> registry.as(grants.of(ctx)).revokeKey(ctx.pathParam("id"), ApiVerticle.caller(ctx))));
    router.post("/api/workers/:id/command").handler(replies.audited(202, new Replies.Audit("command.run", "worker",
        (ctx, reply) -> ctx.pathParam("id"), ctx -> new JsonObject().put("command", Failures.body(ctx).getValue("command"))
            ), ctx -> {
      JsonObject body = Failures.body(ctx);
      Object command = body.getValue("command");
      if (!(command instanceof String text) || text.isBlank()) {
        throw PulseException.badRequest("command is required: the shell command to run");
      }
      Object timeout = body.getValue("timeout");
      if (timeout != null && !(timeout instanceof Number)) {
        throw PulseException.badRequest("timeout must be a number of milliseconds");
      }
      JsonObject request = new JsonObject().put("worker_id", ctx.pathParam("id")).put("command", command)
          .put("requested_by", ApiVerticle.caller(ctx));
      if (timeout != null) {
        request.put("timeout", ((Number) timeout).longValue());
      }
      return registry.as(grants.of(ctx)).runCommand(request);
    }));
    router.post("/api/workers/:id/workflow").handler(replies.audited(202, new Replies.Audit("workflow.local",
        "worker", (ctx, reply) -> ctx.pathParam("id"), ctx -> new JsonObject()
            .put("name", Failures.body(ctx).getValue("name")).put("steps", Failures.body(ctx).getValue("steps"))),
        ctx -> {
      JsonObject body = Failures.body(ctx);
      if (!(body.getValue("steps") instanceof JsonArray)) {
        throw PulseException.badRequest("steps is required: a non-empty array of {name, type: execute|wait, ...}");
      }
      Object name = body.getValue("name");
      if (name != null && !(name instanceof String)) {
        throw PulseException.badRequest("name must be a string");
      }
      return registry.as(grants.of(ctx)).runWorkflow(new JsonObject().put("worker_id", ctx.pathParam("id")).put("name", name)
          .put("steps", body.getValue("steps")).put("requested_by", ApiVerticle.caller(ctx)));
    }));
    router.get("/api/workers/:id/workflow/:run_id").handler(Replies.json(200, ctx ->
        registry.command(ctx.pathParam("run_id")).map(row -> workflowRun(ctx.pathParam("id"), row))));
    router.get("/api/commands/:id").handler(Replies.json(200, ctx -> registry.command(ctx.pathParam("id"))));
  }

  /** A {@code commands} row as a local workflow run of worker {@code idOrName}; 404 when it is not one. */
  private static JsonObject workflowRun(String idOrName, JsonObject row) {
    String runId = row.getString("command_id");
    JsonObject summary;
    try {
      summary = new JsonObject(row.getString("command", ""));
    } catch (RuntimeException notJson) {
      summary = new JsonObject();
    }
    if (!"execute_workflow".equals(summary.getValue("type"))
        || !(idOrName.equals(row.getString("worker_id")) || idOrName.equals(row.getString("worker_name")))) {
      throw PulseException.notFound("Workflow run '" + runId + "' of worker '" + idOrName + "' not found");
    }
    return new JsonObject().put("workflow_run_id", runId).put("worker_id", row.getString("worker_id"))
        .put("worker_name", row.getString("worker_name")).put("name", summary.getValue("name"))
        .put("steps", summary.getValue("steps")).put("status", row.getString("status"))
        .put("requested_by", row.getString("requested_by")).put("created_at", row.getString("created_at"))
        .put("completed_at", row.getString("completed_at")).put("result", row.getValue("result"));
  }
}
