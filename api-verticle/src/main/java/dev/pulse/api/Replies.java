package dev.pulse.api;

import dev.pulse.api.audit.AuditLog;
import dev.pulse.api.auth.Cidr;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Turns a bus call into an HTTP answer; failures go to {@link Failures}. */
final class Replies {

  /** What to write to the audit log when a change succeeds. */
  record Audit(String action, String targetType, BiFunction<RoutingContext, JsonObject, String> targetId,
      Function<RoutingContext, JsonObject> details) {
  }

  private final AuditLog audit;
  private final List<Cidr> trustedProxies;

  Replies(AuditLog audit, List<Cidr> trustedProxies) {
    this.audit = audit;
    this.trustedProxies = trustedProxies;
  }

  /** A handler answering {@code status} with the JSON the call yields. */
  static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<?>> call) {
    return ctx -> {
      Future<?> result;
      try {
        result = call.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.onSuccess(value -> send(ctx, status, value)).onFailure(ctx::fail);
    };
  }

  /** Like {@link #json} for a change: the audit row is written before the answer is sent. */
  Handler<RoutingContext> audited(int status, Audit what, Function<RoutingContext, Future<JsonObject>> call) {
    return ctx -> {
      Future<JsonObject> result;
      try {
        result = call.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.compose(reply -> audit.record(new AuditLog.Entry(ApiVerticle.caller(ctx), what.action(),
                  what.targetType(), what.targetId().apply(ctx, reply), sourceIp(ctx),
                  what.details() == null ? null : what.details().apply(ctx)))
              .map(reply))
          .onSuccess(reply -> send(ctx, status, reply))
          .onFailure(ctx::fail);
    };
  }

  /** The client's address: the proxy's X-Forwarded-For when the peer is a trusted proxy. */
  String sourceIp(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded != null && trustedProxies.stream().anyMatch(range -> range.contains(peer))) {
      return forwarded.split(",")[0].trim();
    }
    return peer;
  }

  private static void send(RoutingContext ctx, int status, Object value) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(value instanceof JsonObject json ? json.encode() : Json.encode(value));
  }
}
