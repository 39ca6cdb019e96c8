package dev.pulse.contracts;

/**
 * The failure codes recipients use in {@code message.fail(code, body)}. They are HTTP statuses
 * so that the API maps them one to one; the failure message is a JSON object
 * {@code {"error": "...", "details": ...}} built by {@link PulseException#toFailureMessage()}.
 */
public final class ErrorCodes {

  private ErrorCodes() {
  }

  /** The request is malformed or invalid; the body names the field to fix. */
  public static final int BAD_REQUEST = 400;
  /** The caller is not authenticated (unknown or missing key). */
  public static final int UNAUTHORIZED = 401;
  /** The caller is authenticated but not allowed. */
  public static final int FORBIDDEN = 403;
  /** The named thing does not exist. */
  public static final int NOT_FOUND = 404;
  /** The request conflicts with the current state (for example, nothing is pending). */
  public static final int CONFLICT = 409;
  /** The request body is too large. */
  public static final int PAYLOAD_TOO_LARGE = 413;
  /** Too many requests; retry later. */
  public static final int TOO_MANY_REQUESTS = 429;
  /** An unexpected failure; the body never carries a stack trace. */
  public static final int INTERNAL = 500;
  /** A component (database, engine, registry, worker) cannot be reached right now. */
  public static final int UNAVAILABLE = 503;
}
