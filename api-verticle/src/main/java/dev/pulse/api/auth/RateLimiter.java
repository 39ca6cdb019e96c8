package dev.pulse.api.auth;

import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per user: {@code perMinute} requests a minute on average with bursts up to the
 * same number. Over the limit: 429 with {@code Retry-After}. Per API node; behind a load
 * balancer each node counts its own share.
 */
public final class RateLimiter implements Handler<RoutingContext>, Shareable {

  private static final class Bucket {
    double tokens;
    long updatedNanos;
  }

  private final double capacity;
  private final double perNano;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * The limiter of this Vert.x for {@code perMinute}: every API instance of a node counts into the
   * same buckets (it is thread-safe), so a user's limit does not grow with the instance count.
   */
  public static RateLimiter shared(Vertx vertx, long perMinute) {
    return (RateLimiter) vertx.sharedData().<String, Shareable>getLocalMap("pulse.api.rate-limiters")
        .computeIfAbsent(Long.toString(perMinute), key -> new RateLimiter(perMinute));
  }

  /** A limiter allowing {@code perMinute} requests per user per minute. */
  public RateLimiter(long perMinute) {
    this.capacity = perMinute;
    this.perNano = perMinute / 60e9;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Identity identity = SsoAuthHandler.identity(ctx);
    String key = identity == null ? "anonymous" : identity.username();
    long waitSeconds = take(key, System.nanoTime());
    if (waitSeconds == 0) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Retry-After", String.valueOf(waitSeconds));
    ctx.fail(ErrorCodes.TOO_MANY_REQUESTS, new PulseException(ErrorCodes.TOO_MANY_REQUESTS,
        "Too many requests from " + key + "; retry in " + waitSeconds + " s"));
  }

  /** Takes a token; 0 when granted, else the whole seconds until one is available. */
  long take(String key, long now) {
    Bucket bucket = buckets.computeIfAbsent(key, k -> {
      Bucket fresh = new Bucket();
      fresh.tokens = capacity;
      fresh.updatedNanos = now;
      return fresh;
    });
    synchronized (bucket) {
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedNanos) * perNano);
      bucket.updatedNanos = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perNano / 1e9));
    }
  }
}
