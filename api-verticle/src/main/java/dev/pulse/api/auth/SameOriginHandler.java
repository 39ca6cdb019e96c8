package dev.pulse.api.auth;

import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.PulseException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * Refuses state-changing requests that a page on another site could make with the user's SSO
 * cookie. A request passes when it carries the dashboard's {@code X-Requested-With} header (a
 * browser sends custom headers cross-site only after a CORS preflight, which PULSE never
 * grants), or when its Origin (or else Referer) names this host. Requests with neither header
 * come from scripts, not browsers, and pass.
 */
public final class SameOriginHandler implements Handler<RoutingContext> {

  /** The header the dashboard sends with every change. */
  public static final String DASHBOARD_HEADER = "X-Requested-With";

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
        || ctx.request().getHeader(DASHBOARD_HEADER) != null) {
      ctx.next();
      return;
    }
    String source = ctx.request().getHeader("Origin");
    if (source == null || source.equals("null")) {
      source = ctx.request().getHeader("Referer");
    }
    if (source == null || sameHost(source, ctx.request().getHeader("Host"))) {
      ctx.next();
      return;
    }
    ctx.fail(ErrorCodes.FORBIDDEN, new PulseException(ErrorCodes.FORBIDDEN,
        "Cross-origin request refused: PULSE accepts changes only from its own pages"));
  }

  private static boolean sameHost(String url, String host) {
    if (host == null) {
      return false;
    }
    try {
      URI uri = URI.create(url);
      String authority = uri.getRawAuthority();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
