package dev.pulse.api;

import dev.pulse.api.auth.Identity;
import dev.pulse.api.auth.SsoAuthHandler;
import dev.pulse.contracts.Heartbeat;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code /api/workers} and {@code /api/commands}: the registry's REST face. */
final class WorkerRoutes {

  private final RegistryClient registry;
  private final Replies replies;

  WorkerRoutes(RegistryClient registry, Replies replies) {
    this.registry = registry;
    this.replies = replies;
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
            (ctx, reply) -> ctx.pathParam("id"), null), ctx -> registry.delete(ctx.pathParam("id"))));
    router.post("/api/workers/:id/key/rotate").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(200, new Replies.Audit("worker.key.rotate", "worker",
            (ctx, reply) -> reply.getString("worker_id", ctx.pathParam("id")), null),
            ctx -> registry.rotateKey(ctx.pathParam("id"), ApiVerticle.caller(ctx))));
    router.post("/api/workers/:id/key/revoke").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(replies.audited(200, new Replies.Audit("worker.key.revoke", "worker",
            (ctx, reply) -> reply.getString("worker_id", ctx.pathParam("id")), null),
            ctx -> registry.revokeKey(ctx.pathParam("id"), ApiVerticle.caller(ctx))));
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
      return registry.runCommand(request);
    }));
    router.get("/api/commands/:id").handler(Replies.json(200, ctx -> registry.command(ctx.pathParam("id"))));
  }

}
