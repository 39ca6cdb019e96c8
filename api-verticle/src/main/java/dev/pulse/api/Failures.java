package dev.pulse.api;

import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of the API: every failure becomes {@code {"error", "details"?}} with
 * a status the user can act on, never a stack trace or SQL.
 */
final class Failures implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    PulseException error = translate(ctx);
    if (error.status() >= 500 && error.status() != ErrorCodes.UNAVAILABLE) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    boolean unreadBody = error.status() == ErrorCodes.PAYLOAD_TOO_LARGE;
    if (unreadBody) {
      // The rest of the body was never read; the connection cannot carry another request.
      ctx.response().putHeader("Connection", "close");
    }
    ctx.response().setStatusCode(error.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body(error).encode())
        .onComplete(sent -> {
          if (unreadBody) {
            ctx.request().connection().close();
          }
        });
  }

  /** {@code {error, details?}}; validation problems are also lifted to a top-level {@code problems}. */
  private static JsonObject body(PulseException error) {
    JsonObject body = error.toJson();
    if (error.details() instanceof JsonObject details && details.getValue("problems") != null) {
      body.put("problems", details.getValue("problems"));
    }
    return body;
  }

  private static PulseException translate(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof PulseException pulse) {
      return pulse;
    }
    if (failure instanceof DecodeException) {
      return PulseException.badRequest("The body is not valid JSON");
    }
    return switch (ctx.statusCode()) {
      case 400 -> PulseException.badRequest("Bad request");
      case 401 -> new PulseException(401, "Not signed in");
      case 403 -> new PulseException(403, "Not allowed");
      case 404 -> PulseException.notFound("No such resource: " + ctx.request().path());
      case 405 -> new PulseException(405, "Method " + ctx.request().method() + " is not allowed on "
          + ctx.request().path());
      case 413 -> new PulseException(ErrorCodes.PAYLOAD_TOO_LARGE, "The request body is too large");
      case 415 -> new PulseException(415, "Send the body as application/json");
      case 429 -> new PulseException(ErrorCodes.TOO_MANY_REQUESTS, "Too many requests; retry later");
      default -> new PulseException(ErrorCodes.INTERNAL, "Internal error; the server log has the cause");
    };
  }

  /** The body as a JSON object, or a 400 saying so (an empty body is an empty object). */
  static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    Object value;
    try {
      value = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw PulseException.badRequest("The body must be a JSON object");
    }
    if (value == null) {
      throw PulseException.badRequest("The body must be a JSON object");
    }
    return (JsonObject) value;
  }
}
