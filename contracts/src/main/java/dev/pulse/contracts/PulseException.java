package dev.pulse.contracts;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A failure with an HTTP-like status and a message that tells the user what to fix. It crosses
 * the event bus as {@code fail(status, json)} and reaches the browser as {@code {error, details}}.
 */
public class PulseException extends RuntimeException {

  private final int status;
  private final Object details;

  /**
   * Creates a failure.
   *
   * @param status one of {@link ErrorCodes}
   * @param message what went wrong, in words the user can act on
   * @param details optional structured detail (a JsonObject or JsonArray), or null
   */
  public PulseException(int status, String message, Object details) {
    super(message, null, false, false);
    this.status = status;
    this.details = details;
  }

  /** Creates a failure without details. */
  public PulseException(int status, String message) {
    this(status, message, null);
  }

  /** A 400 naming the field to fix. */
  public static PulseException badRequest(String message) {
    return new PulseException(ErrorCodes.BAD_REQUEST, message);
  }

  /** A 404 for the thing named. */
  public static PulseException notFound(String message) {
    return new PulseException(ErrorCodes.NOT_FOUND, message);
  }

  /** A 409 for a request that conflicts with the current state. */
  public static PulseException conflict(String message) {
    return new PulseException(ErrorCodes.CONFLICT, message);
  }

  /** The status, one of {@link ErrorCodes}. */
  public int status() {
    return status;
  }

  /** Structured detail, or null. */
  public Object details() {
    return details;
  }

  /** The JSON body sent to HTTP clients: {@code {error, details?}}. */
  public JsonObject toJson() {
    JsonObject body = new JsonObject().put("error", getMessage());
    if (details != null) {
      body.put("details", details);
    }
    return body;
  }

  /** The text of {@code message.fail(status, text)}: the JSON body, encoded. */
  public String toFailureMessage() {
    return toJson().encode();
  }

  /**
   * Translates any failure of a bus request into a PulseException: a recipient's failure keeps
   * its status and body; no handler or a timeout means the component is unavailable (503);
   * anything else is an internal error whose detail is not exposed.
   *
   * @param failure the failure of a {@code request} future
   * @param what the component asked, for the message ("engine", "registry", "worker web-01")
   */
  public static PulseException from(Throwable failure, String what) {
    if (failure instanceof PulseException pulse) {
      return pulse;
    }
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return decode(reply.failureCode(), reply.getMessage());
      }
      String why = reply.failureType() == ReplyFailure.TIMEOUT ? "did not answer in time" : "is not running";
      return new PulseException(ErrorCodes.UNAVAILABLE, "The " + what + " " + why + "; try again shortly");
    }
    return new PulseException(ErrorCodes.INTERNAL, "Internal error while talking to the " + what);
  }

  private static PulseException decode(int code, String text) {
    int status = code >= 400 && code < 600 ? code : ErrorCodes.INTERNAL;
    if (text != null && text.startsWith("{")) {
      try {
        JsonObject body = new JsonObject(text);
        return new PulseException(status, body.getString("error", "Request failed"), body.getValue("details"));
      } catch (DecodeException notJson) {
        // fall through: a plain-text failure message
      }
    }
    return new PulseException(status, text == null ? "Request failed" : text);
  }
}
