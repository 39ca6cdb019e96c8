package dev.pulse.launcher;

import dev.pulse.api.ApiVerticle;
import dev.pulse.engine.EngineVerticle;
import dev.pulse.registry.RegistryVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** Deploys the server roles: the same verticle classes in dev mode and on clustered nodes. */
final class Roles {

  private Roles() {
  }

  /**
   * Deploys registry, engine and API (in that order, so that the API's health checks find the
   * others) for the roles given; yields the API's HTTP port or -1.
   */
  static int deployServer(Vertx vertx, JsonObject settings, Set<String> roles) {
    DeploymentOptions options = new DeploymentOptions().setConfig(settings);
    if (roles.contains("registry")) {
      vertx.deployVerticle(new RegistryVerticle(), options).await();
    }
    if (roles.contains("engine")) {
      vertx.deployVerticle(new EngineVerticle(), options).await();
    }
    if (roles.contains("api")) {
      ApiVerticle api = new ApiVerticle();
      vertx.deployVerticle(api, options).await();
      return api.actualPort();
    }
    return -1;
  }

}
