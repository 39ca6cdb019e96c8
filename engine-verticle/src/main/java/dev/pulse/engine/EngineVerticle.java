package dev.pulse.engine;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** The workflow engine: stores definitions and drives executions. */
public class EngineVerticle extends VerticleBase {

  private BusEndpoint endpoint;

  @Override
  public Future<?> start() {
    endpoint = new BusEndpoint(vertx.eventBus())
        .on(Addresses.ENGINE_PING, body -> Future.succeededFuture(new JsonObject().put("role", "engine")));
    return endpoint.ready();
  }

  @Override
  public Future<?> stop() {
    return endpoint.close();
  }
}
