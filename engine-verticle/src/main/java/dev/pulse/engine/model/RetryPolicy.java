package dev.pulse.engine.model;

/**
 * How an execute step retries a target whose command failed: up to {@code maxAttempts} attempts
 * in all, waiting {@code initialIntervalMs} before the second and {@code backoffCoefficient}
 * times longer before each next one, never more than {@code maxIntervalMs}. Only the failed
 * targets are retried, each on its own worker.
 */
public record RetryPolicy(int maxAttempts, long initialIntervalMs, double backoffCoefficient, long maxIntervalMs) {

  /** Defaults for the optional fields. */
  public static final long DEFAULT_INITIAL_INTERVAL_MS = 1_000;
  public static final double DEFAULT_BACKOFF_COEFFICIENT = 2.0;
  public static final long DEFAULT_MAX_INTERVAL_MS = 60_000;

  /** Whether a target that has made {@code attempt} attempts may make another. */
  public boolean allowsAnother(int attempt) {
    return attempt < maxAttempts;
  }

  /** How long to wait before attempt {@code next} (2 for the first retry). */
  public long delayBefore(int next) {
    double delay = initialIntervalMs * Math.pow(backoffCoefficient, Math.max(0, next - 2));
    return (long) Math.min(delay, maxIntervalMs);
  }
}
