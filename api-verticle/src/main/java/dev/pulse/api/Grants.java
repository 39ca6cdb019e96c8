package dev.pulse.api;

import dev.pulse.api.auth.Identity;
import dev.pulse.api.auth.SsoAuthHandler;
import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.signing.BusGrants;
import io.vertx.ext.web.RoutingContext;

/**
 * The grant the API gives each change it asks of the engine or registry: the signed-in user and
 * the role the route checked, so that the engine and registry authorise the request themselves
 * instead of trusting whoever is on the bus.
 */
final class Grants {

  private final BusGrants grants;

  /** Grants keyed by {@code grants}; null grants nothing (the engine and registry then refuse). */
  Grants(BusGrants grants) {
    this.grants = grants;
  }

  /** The caller's grant, or null. */
  BusClient.Grant of(RoutingContext ctx) {
    Identity identity = SsoAuthHandler.identity(ctx);
    return grants == null || identity == null ? null
        : new BusClient.Grant(grants, identity.username(), identity.role());
  }
}
