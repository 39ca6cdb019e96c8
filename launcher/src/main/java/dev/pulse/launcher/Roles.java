package dev.pulse.launcher;

import dev.pulse.api.ApiVerticle;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.engine.EngineVerticle;
import dev.pulse.registry.RegistryVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Deploys the server roles: the same verticle classes in dev mode and on clustered nodes. */
final class Roles {

  /** More API instances than this only add contention on a PULSE server. */
  private static final int API_INSTANCES_MAX = 16;

  private Roles() {
  }

  /**
   * Deploys the API as API_INSTANCES instances (default: one per core, at most 16), which share the
   * HTTP port: each serves its share of the connections, so the REST API and the dashboards' event
   * bridge (which encodes every event once per subscribed dashboard) use every core, not one.
   */
  static List<ApiVerticle> deployApi(Vertx vertx, DeploymentOptions options) {
    int instances = new ConfigReader(options.getConfig()).integer("API_INSTANCES",
        Math.min(API_INSTANCES_MAX, Runtime.getRuntime().availableProcessors()), 1, API_INSTANCES_MAX);
    List<ApiVerticle> deployed = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> {
      ApiVerticle api = new ApiVerticle();
      deployed.add(api);
      return api;
    }, new DeploymentOptions(options).setInstances(instances)).await();
    return deployed;
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
      return deployApi(vertx, options).get(0).actualPort();
    }
    return -1;
  }

}
