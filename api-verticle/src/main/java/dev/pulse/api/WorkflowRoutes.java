package dev.pulse.api;

import dev.pulse.api.auth.Identity;
import dev.pulse.api.auth.SsoAuthHandler;
import dev.pulse.contracts.EngineClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code /api/workflows}: definitions, kept by the engine. Changes need the admin role. */
final class WorkflowRoutes {

  private final EngineClient engine;
  private final Replies replies;
  private final Grants grants;

  WorkflowRoutes(EngineClient engine, Replies replies, Grants grants) {
    this.engine = engine;
    this.replies = replies;
    this.grants = grants;
  }

  void mount(Router router) {
    router.get("/api/workflows").handler(Replies.json(200, ctx -> engine.listWorkflows()
        .map(reply -> reply.getJsonArray("workflows"))));
    router.get("/api/workflows/:id").handler(Replies.json(200, ctx -> engine.getWorkflow(ctx.pathParam("id"))));
    router.post("/api/workflows").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(201, new Replies.Audit("workflow.create", "workflow",
                (ctx, reply) -> reply.getString("id"), ctx -> new JsonObject().put("name", nameOf(ctx))),
            ctx -> engine.as(grants.of(ctx)).createWorkflow(workflow(Failures.body(ctx)).put("created_by", ApiVerticle.caller(ctx)))));
    router.put("/api/workflows/:id").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(200, new Replies.Audit("workflow.update", "workflow",
                (ctx, reply) -> ctx.pathParam("id"), ctx -> new JsonObject().put("name", nameOf(ctx))),
            ctx -> engine.as(grants.of(ctx)).updateWorkflow(workflow(Failures.body(ctx))
                .put("id", ctx.pathParam("id")).put("updated_by", ApiVerticle.caller(ctx)))));
    router.delete("/api/workflows/:id").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(200, new Replies.Audit("workflow.delete", "workflow",
                (ctx, reply) -> ctx.pathParam("id"), null),
            ctx -> engine.as(grants.of(ctx)).deleteWorkflow(ctx.pathParam("id"))));
    router.get("/api/workflows/:id/schedule").handler(Replies.json(200,
        ctx -> engine.getSchedule(ctx.pathParam("id"))));
    router.put("/api/workflows/:id/schedule").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(200, new Replies.Audit("workflow.schedule", "workflow",
                (ctx, reply) -> ctx.pathParam("id"), ctx -> schedule(Failures.body(ctx))),
            ctx -> engine.as(grants.of(ctx)).putSchedule(schedule(Failures.body(ctx))
                .put("workflow_id", ctx.pathParam("id")).put("updated_by", ApiVerticle.caller(ctx)))));
  }

  /** Only the fields a client may set; the engine validates them. */
  private static JsonObject schedule(JsonObject body) {
    JsonObject source = body == null ? new JsonObject() : body;
    JsonObject out = new JsonObject().put("cron", source.getValue("cron"));
    if (source.containsKey("time_zone")) {
      out.put("time_zone", source.getValue("time_zone"));
    }
    if (source.containsKey("enabled")) {
      out.put("enabled", source.getValue("enabled"));
    }
    return out;
  }

  private static Object nameOf(io.vertx.ext.web.RoutingContext ctx) {
    return Failures.body(ctx).getValue("name");
  }

  /** Only the fields a client may set; the engine validates them. */
  private static JsonObject workflow(JsonObject body) {
    JsonObject source = body == null ? new JsonObject() : body;
    return new JsonObject().put("name", source.getValue("name")).put("description", source.getValue("description"))
        .put("definition", source.getValue("definition"));
  }
}
