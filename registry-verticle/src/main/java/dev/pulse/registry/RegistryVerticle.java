package dev.pulse.registry;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusEndpoint;
import dev.pulse.contracts.BusPolicy;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.registry.commands.DirectCommands;
import dev.pulse.registry.commands.LocalWorkflows;
import dev.pulse.registry.workers.Fleet;
import dev.pulse.registry.workers.FlushStats;
import dev.pulse.registry.workers.WorkerRegistry;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry: knows every worker, its status and metrics, and runs direct commands and local
 * workflows.
 *
 * <p>Its state lives in memory on one event loop, with MariaDB as the durable copy, so deploy
 * one registry per cluster.
 */
public class RegistryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryVerticle.class);

  private RegistryConfig settings;
  private Pool pool;
  private WorkerRegistry registry;
  private BusEndpoint endpoint;
  private long sweepTimer = -1;
  private long flushTimer = -1;

  @Override
  public Future<?> start() {
    try {
      settings = RegistryConfig.from(config());
    } catch (RuntimeException badConfig) {
      return Future.failedFuture(badConfig);
    }
    pool = Database.pool(vertx, settings.db(), "pulse-db-registry");
    Fleet fleet = new Fleet();
    WorkerClient workers = new WorkerClient(vertx.eventBus(), settings.busTimeoutMs(), settings.dispatchSigner());
    DirectCommands commands = new DirectCommands(fleet, pool, workers, vertx.eventBus());
    LocalWorkflows workflows = new LocalWorkflows(fleet, pool, workers);
    registry = new WorkerRegistry(settings, pool, fleet, vertx.eventBus(), workers, commands::workerLost);
    return registry.load()
        .compose(loaded -> commands.failOrphans())
        .compose(ready -> {
          endpoint = new BusEndpoint(vertx.eventBus())
              .guard(settings.dispatchSigner().grants(), BusPolicy.REGISTRY)
              .on(Addresses.REGISTRY_PING, body -> Future.succeededFuture(new JsonObject().put("role", "registry")))
              .on(Addresses.REGISTRY_CONNECT, registry::connect)
              .on(Addresses.REGISTRY_HEARTBEAT, registry::heartbeat)
              .on(Addresses.REGISTRY_LIST, registry::list)
              .on(Addresses.REGISTRY_DELETE, registry::delete)
              .on(Addresses.REGISTRY_KEY_ROTATE, registry::rotateKey)
              .on(Addresses.REGISTRY_KEY_REVOKE, registry::revokeKey)
              .on(Addresses.REGISTRY_RESOLVE, registry::resolve)
              .on(Addresses.REGISTRY_COMMAND, commands::run)
              .on(Addresses.REGISTRY_COMMAND_GET, commands::get)
              .on(Addresses.REGISTRY_RESULTS, commands::result)
              .on(Addresses.REGISTRY_WORKFLOW, workflows::run)
              .on(Addresses.REGISTRY_WORKFLOW_RESULTS, workflows::result);
          return endpoint.ready();
        })
        .onSuccess(ready -> {
          long intervalMs = settings.heartbeatInterval().toMillis();
          sweepTimer = vertx.setPeriodic(Math.max(50, Math.min(intervalMs / 3, 5_000)), id -> registry.sweep());
          flushTimer = vertx.setPeriodic(settings.flushInterval().toMillis(), id -> registry.flush());
          LOG.info("Registry ready: heartbeat every {} ms, offline after {} missed", intervalMs,
              settings.offlineAfterMissed());
        })
        .onFailure(failure -> pool.close());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(flushTimer);
    if (registry != null) {
      registry.close();
    }
    Future<Void> closed = endpoint == null ? Future.succeededFuture() : endpoint.close();
    return closed
        .compose(done -> registry.flush())
        .recover(failure -> Future.succeededFuture())
        .eventually(() -> pool.close());
  }

  /** How the batched heartbeat writes went (for tests and diagnostics). */
  FlushStats flushStats() {
    return registry.flushStats();
  }
}
