package dev.pulse.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import io.vertx.core.Handler;

/** Turns a bus call into an HTTP answer; failures go to {@link Failures}. */
final class Replies {

  private Replies() {
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
      result.onSuccess(value -> ctx.response().setStatusCode(status)
              .putHeader("Content-Type", "application/json; charset=utf-8")
              .end(value instanceof JsonObject json ? json.encode() : io.vertx.core.json.Json.encode(value)))
          .onFailure(ctx::fail);
    };
  }
}
