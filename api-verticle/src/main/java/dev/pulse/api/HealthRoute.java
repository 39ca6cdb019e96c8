package dev.pulse.api;

import dev.pulse.contracts.EngineClient;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.storage.Database;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;

/**
 * {@code GET /health}: the seed's shape {@code {status, timestamp, database, auth}} plus
 * {@code checks} (database, engine, registry, cluster) and {@code version}; 200 when every check
 * is up, 503 naming the failing ones otherwise.
 */
final class HealthRoute {

  private final HealthChecks checks;
  private final boolean devAuth;
  private final String version;

  HealthRoute(Vertx vertx, Pool pool, EngineClient engine, RegistryClient registry, boolean devAuth,
      String version) {
    this.devAuth = devAuth;
    this.version = version;
    this.checks = HealthChecks.create(vertx)
        .register("database", 2000, promise -> Database.ping(pool)
            .onSuccess(ok -> promise.complete(Status.OK()))
            .onFailure(failure -> promise.complete(Status.KO(new JsonObject().put("error", "database unreachable")))))
        .register("engine", 2000, promise -> answer(promise, engine.ping().mapEmpty()))
        .register("registry", 2000, promise -> answer(promise, registry.ping().mapEmpty()));
    if (vertx.isClustered()) {
      // The cluster manager is reachable only through the internal API; it is the one place PULSE uses it.
      checks.register("cluster", promise -> {
        var nodes = ((VertxInternal) vertx).clusterManager().getNodes();
        promise.complete(nodes.isEmpty() ? Status.KO() : Status.OK(new JsonObject().put("nodes", nodes.size())));
      });
    }
  }

  private static void answer(Promise<Status> promise, io.vertx.core.Future<Void> probe) {
    probe.onSuccess(ok -> promise.complete(Status.OK()))
        .onFailure(failure -> promise.complete(Status.KO(new JsonObject().put("error", failure.getMessage()))));
  }

  void handle(RoutingContext ctx) {
    checks.checkStatus().onComplete(done -> {
      JsonArray list = new JsonArray();
      boolean allUp = done.succeeded() && done.result().getUp();
      boolean databaseUp = false;
      if (done.succeeded()) {
        for (CheckResult check : done.result().getChecks()) {
          boolean up = check.getUp();
          if (check.getId().equals("database")) {
            databaseUp = up;
          }
          JsonObject entry = new JsonObject().put("id", check.getId()).put("status", up ? "UP" : "DOWN");
          if (check.getStatus() != null && check.getStatus().getData() != null) {
            entry.put("data", check.getStatus().getData());
          }
          list.add(entry);
        }
      }
      JsonObject body = new JsonObject()
          .put("status", allUp ? "ok" : "degraded")
          .put("timestamp", Instant.now().toString())
          .put("database", databaseUp ? "connected" : "disconnected")
          .put("auth", devAuth ? "dev" : "authelia-sso")
          .put("version", version)
          .put("checks", list);
      ctx.response().setStatusCode(allUp ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(body.encode());
    });
  }
}
