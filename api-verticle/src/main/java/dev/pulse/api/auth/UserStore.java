package dev.pulse.api.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the {@code users} table in step with the SSO identities seen. A browser makes many
 * requests per visit, so a user's row is written at most once a minute rather than per request.
 */
public final class UserStore {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UserStore.class);

  private static final long REFRESH_MS = 60_000;

  private final Pool pool;
  private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();

  /** A store over the given pool. */
  public UserStore(Pool pool) {
    this.pool = pool;
  }

  /** Creates or updates the user's row (last_login = now), unless done in the last minute. */
  public Future<Void> seen(Identity identity) {
    long now = System.currentTimeMillis();
    Long previous = lastWritten.get(identity.username());
    if (previous != null && now - previous < REFRESH_MS) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("INSERT INTO users (id, username, display_name, email, `groups`, last_login)"
            + " VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE display_name = VALUES(display_name),"
            + " email = VALUES(email), `groups` = VALUES(`groups`), last_login = UTC_TIMESTAMP()")
        .execute(Tuple.of(UUID.randomUUID().toString(), identity.username(), identity.displayName(),
            identity.email(), String.join(",", identity.groups())))
        .<Void>mapEmpty()
        .andThen(done -> {
          if (done.succeeded()) {
            lastWritten.put(identity.username(), now);
          }
        })
        .onFailure(failure -> LOG.warn("Could not record the visit of {}: {}", identity.username(),
            failure.getMessage()));
  }
}
