package dev.pulse.api;

import dev.pulse.contracts.EngineClient;
import dev.pulse.contracts.PulseException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/executions}: starting, watching, answering and cancelling runs. */
final class ExecutionRoutes {

  private final EngineClient engine;

  ExecutionRoutes(EngineClient engine) {
    this.engine = engine;
  }

  void mount(Router router) {
    router.get("/api/executions").handler(Replies.json(200, ctx -> engine.listExecutions(query(ctx))
        .map(reply -> reply.getJsonArray("executions"))));
    router.post("/api/executions").handler(Replies.json(202, ctx -> {
      JsonObject body = Failures.body(ctx);
      return engine.startExecution(new JsonObject().put("workflow_id", body.getValue("workflow_id"))
          .put("params", body.getValue("params")).put("started_by", ApiVerticle.caller(ctx)));
    }));
    router.get("/api/executions/:id").handler(Replies.json(200, ctx -> engine.getExecution(ctx.pathParam("id"))));
    router.post("/api/executions/:id/respond").handler(Replies.json(200, ctx -> {
      JsonObject body = Failures.body(ctx);
      return engine.respond(new JsonObject().put("id", ctx.pathParam("id")).put("response", body.getValue("response"))
          .put("responded_by", ApiVerticle.caller(ctx)));
    }));
    router.post("/api/executions/:id/cancel").handler(Replies.json(200, ctx -> engine.cancel(
        new JsonObject().put("id", ctx.pathParam("id")).put("cancelled_by", ApiVerticle.caller(ctx)))));
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
    query.put("limit", number(ctx, "limit", 50, 1, 500));
    query.put("offset", number(ctx, "offset", 0, 0, Integer.MAX_VALUE));
    return query;
  }

  private static int number(RoutingContext ctx, String name, int fallback, int min, int max) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw PulseException.badRequest(name + " must be a whole number from " + min + " to " + max);
  }
}
