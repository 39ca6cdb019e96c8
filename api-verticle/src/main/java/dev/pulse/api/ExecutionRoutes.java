package dev.pulse.api;

import dev.pulse.api.auth.Identity;
import dev.pulse.api.auth.SsoAuthHandler;
import dev.pulse.contracts.EngineClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/executions}: starting, watching, answering and cancelling runs. */
final class ExecutionRoutes {

  private final EngineClient engine;
  private final Replies replies;
  private final Grants grants;

  ExecutionRoutes(EngineClient engine, Replies replies, Grants grants) {
    this.engine = engine;
    this.replies = replies;
    this.grants = grants;
  }

  void mount(Router router) {
    router.get("/api/executions").handler(Replies.json(200, ctx -> engine.listExecutions(query(ctx))
        .map(reply -> reply.getJsonArray("executions"))));
    router.post("/api/executions").handler(replies.audited(202, new Replies.Audit("execution.start", "execution",
        (ctx, reply) -> reply.getString("id"),
        ctx -> new JsonObject().put("workflow_id", Failures.body(ctx).getValue("workflow_id"))), ctx -> {
      JsonObject body = Failures.body(ctx);
      return engine.as(grants.of(ctx)).startExecution(new JsonObject().put("workflow_id", body.getValue("workflow_id"))
          .put("params", body.getValue("params")).put("started_by", ApiVerticle.caller(ctx)));
    }));
    router.get("/api/executions/:id").handler(Replies.json(200, ctx -> engine.getExecution(ctx.pathParam("id"))));
    router.post("/api/executions/:id/respond").handler(replies.audited(200, new Replies.Audit("execution.respond",
        "execution", (ctx, reply) -> ctx.pathParam("id"),
        ctx -> new JsonObject().put("response", Failures.body(ctx).getValue("response"))), ctx -> {
      JsonObject body = Failures.body(ctx);
      return engine.as(grants.of(ctx)).respond(new JsonObject().put("id", ctx.pathParam("id"))
          .put("response", body.getValue("response")).put("responded_by", ApiVerticle.caller(ctx))
          .put("responder_groups", groups(ctx)));
    }));
    router.post("/api/executions/:id/cancel").handler(replies.audited(200, new Replies.Audit("execution.cancel",
        "execution", (ctx, reply) -> ctx.pathParam("id"), null), ctx -> engine.as(grants.of(ctx)).cancel(
        new JsonObject().put("id", ctx.pathParam("id")).put("cancelled_by", ApiVerticle.caller(ctx)))));
    router.post("/api/executions/:id/resume").handler(replies.audited(200, new Replies.Audit("execution.resume",
        "execution", (ctx, reply) -> ctx.pathParam("id"), null), ctx -> engine.as(grants.of(ctx)).resume(
        new JsonObject().put("id", ctx.pathParam("id")).put("resumed_by", ApiVerticle.caller(ctx)))));
  }

  /** The caller's SSO groups, which prompts with named approvers check. */
  private static JsonArray groups(RoutingContext ctx) {
    Identity identity = SsoAuthHandler.identity(ctx);
    return identity == null ? new JsonArray() : new JsonArray(identity.groups());
  }

  private static JsonObject query(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    String status = ctx.queryParams().get("status");
    String workflow = ctx.queryParams().get("workflow_id");
    if (status != null) {
      query.put("status", status);
    }
    if (workflow != null) {
      query.put("workflow_id", workflow);
    }
    query.put("limit", AuditRoutes.number(ctx, "limit", 50, 1, 500));
    query.put("offset", AuditRoutes.number(ctx, "offset", 0, 0, Integer.MAX_VALUE));
    return query;
  }
}
