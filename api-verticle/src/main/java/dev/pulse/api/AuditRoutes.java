package dev.pulse.api;

import dev.pulse.api.audit.AuditLog;
import dev.pulse.api.auth.Identity;
import dev.pulse.api.auth.SsoAuthHandler;
import dev.pulse.contracts.PulseException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/audit}: the audit log, for admins; paged and filterable. */
final class AuditRoutes {

  private final AuditLog audit;

  AuditRoutes(AuditLog audit) {
    this.audit = audit;
  }

  void mount(Router router) {
    router.get("/api/audit").handler(SsoAuthHandler.requireRole(Identity.ADMIN))
        .handler(Replies.json(200, ctx -> audit.page(ctx.queryParams().get("actor"), ctx.queryParams().get("action"),
            ctx.queryParams().get("target_id"), number(ctx, "limit", 100, 1, 1000),
            number(ctx, "offset", 0, 0, Integer.MAX_VALUE))));
  }

  static int number(RoutingContext ctx, String name, int fallback, int min, int max) {
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
