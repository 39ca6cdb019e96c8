package dev.pulse.api;

import dev.pulse.api.audit.AuditLog;
import dev.pulse.api.auth.Identity;
import dev.pulse.api.auth.RateLimiter;
import dev.pulse.api.auth.SameOriginHandler;
import dev.pulse.api.auth.SsoAuthHandler;
import dev.pulse.api.auth.UserStore;
import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.EngineClient;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.storage.Database;
import dev.pulse.storage.DbConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of PULSE: the REST API, {@code /health}, the dashboard's files and the SockJS
 * bridge that pushes events to browsers. It owns no workflow or worker state; every request
 * becomes a bus request to the engine or the registry.
 */
public class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  private Pool pool;
  private HttpServer server;
  private Router router;
  private EventBridge events;

  @Override
  public Future<?> start() {
    ConfigReader reader = new ConfigReader(config());
    ApiConfig config = ApiConfig.from(reader);
    // One pool for all instances of the API on this node (Roles deploys several).
    pool = Database.sharedPool(vertx, DbConfig.from(reader), "pulse-db-api");
    EngineClient engine = new EngineClient(vertx.eventBus(), config.busTimeoutMs());
    RegistryClient registry = new RegistryClient(vertx.eventBus(), config.busTimeoutMs());
    if (config.devAuth()) {
      LOG.warn("AUTH_MODE=dev: requests without SSO headers act as the local admin 'dev'. Never expose this port.");
    }

    Router router = Router.router(vertx);
    HealthRoute health = new HealthRoute(vertx, pool, engine, registry, config.devAuth(), config.version());
    router.get("/health").handler(health::handle);
    if (vertx.isMetricsEnabled()) {
      // Prometheus scrapes without SSO, as it does everywhere; block /metrics at the proxy if needed.
      router.get("/metrics").handler(PrometheusScrapingHandler.create());
    }
    String openApi = OpenApi.document();
    router.get("/api/openapi.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8").end(openApi));

    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(config.maxBodyBytes()));
    Replies replies = new Replies(new AuditLog(vertx, pool), config.trustedProxies());
    Grants grants = new Grants(config.grants());
    WorkerRoutes workers = new WorkerRoutes(registry, replies, grants);
    // Agents outside the cluster heartbeat over HTTP with their API key, not SSO.
    workers.mountHeartbeat(router);
    SsoAuthHandler sso = new SsoAuthHandler(config, new UserStore(pool));
    router.route("/api/*").handler(sso);
    router.route("/api/*").handler(new SameOriginHandler());
    router.route("/api/*").handler(RateLimiter.shared(vertx, config.rateLimitPerMinute()));
    router.route("/eventbus/*").handler(sso);
    router.get("/api/user").handler(Replies.json(200, ctx -> Future.succeededFuture(
        SsoAuthHandler.identity(ctx).toJson())));
    workers.mount(router);
    new WorkflowRoutes(engine, replies, grants).mount(router);
    new ExecutionRoutes(engine, replies, grants).mount(router);
    new AuditRoutes(new AuditLog(vertx, pool)).mount(router);
    router.route("/api/*").handler(ctx -> ctx.fail(404));

    router.route("/eventbus/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
    // Deny by default: browsers may only listen to PULSE's event addresses and send nothing.
    events = new EventBridge(vertx, Addresses.EVENTS_PREFIX, EventBridge.PING_TIMEOUT_MS, EventBridge.LAG_LIMIT_MS);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).socketHandler(events));

    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().failureHandler(new Failures());

    this.router = router;
    // PORT=0 asks for any free port; with several instances that must be one port for all of them,
    // which Vert.x spells -1 (0 would give each instance a port of its own).
    int port = config.port() == 0 && context.getInstanceCount() > 1 ? -1 : config.port();
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(port, config.host())
        .onSuccess(listening -> {
          server = listening;
          LOG.info("API listening on http://{}:{}", config.host(), listening.actualPort());
        });
  }

  /** The port actually bound (useful when PORT=0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (events != null) {
      events.close();
    }
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** The routes, for the test that keeps the OpenAPI document complete. */
  Router router() {
    return router;
  }

  /** The event bridge, for the tests that check it lets go of its consumers. */
  EventBridge events() {
    return events;
  }

  /** For routes that need the caller's name. */
  static String caller(io.vertx.ext.web.RoutingContext ctx) {
    Identity identity = SsoAuthHandler.identity(ctx);
    return identity == null ? "unknown" : identity.username();
  }
}
