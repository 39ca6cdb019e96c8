package dev.pulse.api.auth;

import dev.pulse.api.ApiConfig;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.Wire;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Authenticates a request from the reverse proxy's SSO headers ({@code Remote-User},
 * {@code Remote-Name}, {@code Remote-Email}, {@code Remote-Groups}).
 *
 * <p>The headers are believed only from a TRUSTED_PROXIES peer; from anyone else they are
 * ignored and the request is 401. Members of neither allowed group get 403. In dev mode a
 * request without headers acts as the local admin {@code dev}.
 */
public final class SsoAuthHandler implements Handler<RoutingContext> {

  /** Key of the caller's {@link Identity} in the routing context. */
  public static final String IDENTITY = "pulse.identity";

  private final ApiConfig config;
  private final UserStore users;

  /** A handler with the given settings, recording users in the store. */
  public SsoAuthHandler(ApiConfig config, UserStore users) {
    this.config = config;
    this.users = users;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Identity identity;
    try {
      identity = identify(ctx.request());
    } catch (PulseException refused) {
      ctx.fail(refused.status(), refused);
      return;
    }
    ctx.put(IDENTITY, identity);
    // Recording the visit must not hold the request: a WebSocket upgrade (the event-bus bridge)
    // fails once the request has ended while waiting. A failed write is retried on the next visit.
    users.seen(identity);
    ctx.next();
  }

  private Identity identify(HttpServerRequest request) {
    String username = request.getHeader("Remote-User");
    boolean trusted = isTrustedPeer(request);
    if (username != null && !username.isBlank() && trusted) {
      List<String> groups = Wire.commaList(request.getHeader("Remote-Groups"));
      String role = groups.contains(config.adminGroup()) ? Identity.ADMIN
          : groups.contains(config.employeeGroup()) ? Identity.EMPLOYEE : null;
      if (role == null) {
        throw new PulseException(ErrorCodes.FORBIDDEN, "User '" + username + "' is in neither the '"
            + config.adminGroup() + "' nor the '" + config.employeeGroup() + "' group; ask an administrator for access");
      }
      return Identity.of(username.trim(), request.getHeader("Remote-Name"), request.getHeader("Remote-Email"),
          groups, role);
    }
    if (config.devAuth() && username == null) {
      return Identity.of("dev", "Local developer", null, List.of(config.adminGroup()), Identity.ADMIN);
    }
    throw new PulseException(ErrorCodes.UNAUTHORIZED,
        "Not signed in: PULSE expects the SSO proxy's Remote-User header from a trusted proxy address");
  }

  private boolean isTrustedPeer(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    for (Cidr range : config.trustedProxies()) {
      if (range.contains(peer)) {
        return true;
      }
    }
    return false;
  }

  /** The identity set by this handler. */
  public static Identity identity(RoutingContext ctx) {
    return ctx.get(IDENTITY);
  }

  /** A handler that lets only holders of the role through (403 otherwise). */
  public static Handler<RoutingContext> requireRole(String role) {
    return ctx -> {
      Identity identity = identity(ctx);
      if (identity != null && identity.has(role)) {
        ctx.next();
      } else {
        ctx.fail(ErrorCodes.FORBIDDEN, new PulseException(ErrorCodes.FORBIDDEN,
            "Only a PULSE " + role + " may do this"));
      }
    };
  }
}
