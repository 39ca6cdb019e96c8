package dev.pulse.registry;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** The registry: knows every worker, its status and metrics. */
public class RegistryVerticle extends VerticleBase {

  private BusEndpoint endpoint;

  @Override
  public Future<?> start() {
    endpoint = new BusEndpoint(vertx.eventBus())
        .on(Addresses.REGISTRY_PING, body -> Future.succeededFuture(new JsonObject().put("role", "registry")));
    return endpoint.ready();
  }

  @Override
  public Future<?> stop() {
    return endpoint.close();
  }
}
