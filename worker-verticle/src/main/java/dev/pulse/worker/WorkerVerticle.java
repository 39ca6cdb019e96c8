package dev.pulse.worker;

import static dev.pulse.contracts.LogKeys.WORKER_ID;
import static dev.pulse.contracts.LogKeys.WORKER_NAME;
import static dev.pulse.contracts.LogKeys.withIds;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.ConfigReader;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowResult;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.contracts.signing.DispatchVerifier;
import dev.pulse.worker.exec.CommandScheduler;
import dev.pulse.worker.exec.RunSettings;
import dev.pulse.worker.guard.CommandGate;
import dev.pulse.worker.outbox.ResultOutbox;
import dev.pulse.worker.registry.RegistryLink;
import dev.pulse.worker.registry.SystemMetrics;
import dev.pulse.worker.state.Identity;
import dev.pulse.worker.state.StateStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageProducer;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker agent: runs shell commands on this host for the engine and the registry, reports
 * heartbeats with metrics, and delivers every result once, even across restarts.
 */
public class WorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  /** Live output per command beyond this multiple of OUTPUT_CAP_BYTES is not published. */
  private static final int LIVE_CAP_FACTOR = 4;

  private WorkerConfig config;
  private StateStore store;
  private WorkerExecutor files;
  private ExecutorService processThreads;
  private ResultOutbox outbox;
  private CommandScheduler scheduler;
  private RegistryLink link;
  private WorkerEndpoint endpoint;
  private List<PublicKey> trusted = List.of();
  private String workerId;

  /** Loaded from the state directory before anything else starts. */
  private record Loaded(Identity identity, List<JsonObject> outbox, List<JsonObject> inflight,
      List<String> delivered, SystemMetrics metrics, List<PublicKey> dispatchKeys) {
  }

  @Override
  public Future<?> start() {
    try {
      config = WorkerConfig.from(new ConfigReader(config()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    store = new StateStore(config.stateDir());
    files = vertx.createSharedWorkerExecutor("pulse-worker-files-" + config.name(), 2);
    return files.executeBlocking(() -> {
      store.prepare();
      List<PublicKey> keys = config.loadDispatchKeys();
      return new Loaded(store.loadOrCreateIdentity(config.name()), store.listOutbox(), store.listInflight(),
          store.recentlyDelivered(config.dispatchMaxAgeMs() + DispatchVerifier.FUTURE_TOLERANCE_MS),
          new SystemMetrics(), keys);
    }, true).compose(this::assemble).onFailure(e -> closeExecutors()).onSuccess(identity -> LOG.atInfo()
        .addKeyValue(WORKER_ID, identity.workerId()).addKeyValue(WORKER_NAME, config.name()).log(
        "Worker {} ({}) ready: groups {}, {} concurrent, queue {}; runs only commands signed by dispatch key {}{}",
        config.name(), identity.workerId(), config.groups(), config.maxConcurrent(), config.queueSize(),
        fingerprints(), config.allowedCommands().size() == 0 ? ""
            : " and matching one of " + config.allowedCommands().size() + " allowed patterns"));
  }

  private Future<Identity> assemble(Loaded loaded) {
    String workerId = loaded.identity().workerId();
    this.workerId = workerId;
    AtomicInteger threadCount = new AtomicInteger();
    processThreads = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "pulse-worker-" + config.name() + "-proc-" + threadCount.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    outbox = new ResultOutbox(vertx, new BusClient(vertx.eventBus(), config.busTimeoutMs()), files, store,
        config.resultRetryMaxMs());
    RunSettings run = new RunSettings(workerId, config.cwd(), config.outputCapBytes(),
        config.outputCapBytes() * LIVE_CAP_FACTOR, config.killGraceMs());
    // a publisher, not publish(): its write future tells when a chunk is on the connection (see CommandRun)
    MessageProducer<JsonObject> output = vertx.eventBus().publisher(Addresses.EVENT_OUTPUT);
    scheduler = new CommandScheduler(run, config.maxConcurrent(), config.queueSize(), vertx, context, processThreads,
        chunk -> output.write(chunk.toJson()), outbox::accepted, outbox::add, outbox::accepted, outbox::add);
    outbox.restore(loaded.outbox()).forEach(scheduler::remember);
    // Results delivered before a restart: a replay of their still-valid signed dispatch is a duplicate.
    loaded.delivered().forEach(scheduler::remember);
    recoverInterrupted(loaded.inflight(), workerId);
    link = new RegistryLink(vertx, new RegistryClient(vertx.eventBus(), config.busTimeoutMs()), config,
        loaded.identity(), this::saveIdentity, this::taskFacts,
        facts -> files.executeBlocking(() -> loaded.metrics().read(facts), false));
    trusted = loaded.dispatchKeys();
    CommandGate gate = new CommandGate(new DispatchVerifier(trusted, config.dispatchMaxAgeMs()),
        config.allowedCommands(), workerId, config.name(), new BusClient(vertx.eventBus(), config.busTimeoutMs()));
    endpoint = new WorkerEndpoint(vertx.eventBus(), workerId, config, scheduler, outbox, link, gate);
    return endpoint.ready().onSuccess(v -> {
      outbox.start();
      link.start();
    }).map(loaded.identity());
  }

  /** Commands accepted before a crash never got a result; they get one now, so nobody waits forever. */
  private void recoverInterrupted(List<JsonObject> inflight, String workerId) {
    for (JsonObject json : inflight) {
      if ("execute_workflow".equals(json.getString("type"))) {
        recoverInterruptedWorkflow(WorkflowDispatch.fromJson(json), workerId);
        continue;
      }
      CommandDispatch dispatch = CommandDispatch.fromJson(json);
      if (dispatch.commandId() == null || dispatch.replyTo() == null) {
        continue;
      }
      if (scheduler.isKnown(dispatch.commandId())) {
        // its result reached the outbox just before the crash; only the journal entry is stale
        files.executeBlocking(() -> {
          store.deleteInflight(dispatch.commandId());
          return null;
        }, true);
        continue;
      }
      withIds(LOG.atWarn(), dispatch).addKeyValue(WORKER_NAME, config.name())
          .log("Command {} was interrupted by a restart of worker {}", dispatch.commandId(), config.name());
      scheduler.remember(dispatch.commandId());
      outbox.add(dispatch.commandId(), dispatch.replyTo(), CommandResult.notRun(dispatch, workerId,
          "the worker restarted before the command finished").toJson());
    }
  }

  private void recoverInterruptedWorkflow(WorkflowDispatch dispatch, String workerId) {
    if (dispatch.executionId() == null || dispatch.replyTo() == null) {
      return;
    }
    if (scheduler.isKnown(dispatch.executionId())) {
      files.executeBlocking(() -> {
        store.deleteInflight(dispatch.executionId());
        return null;
      }, true);
      return;
    }
    withIds(LOG.atWarn(), dispatch).addKeyValue(WORKER_NAME, config.name())
        .log("Workflow {} was interrupted by a restart of worker {}", dispatch.executionId(), config.name());
    scheduler.remember(dispatch.executionId());
    outbox.add(dispatch.executionId(), dispatch.replyTo(), WorkflowResult.failed(dispatch, workerId,
        "the worker restarted before the workflow finished").toJson());
  }

  private String fingerprints() {
    return String.join(", ", trusted.stream().map(DispatchKeys::fingerprint).toList());
  }

  private Future<Void> saveIdentity(Identity identity) {
    return files.executeBlocking(() -> {
      store.saveIdentity(identity, config.name());
      return null;
    }, true);
  }

  private JsonObject taskFacts() {
    return new JsonObject().put("tasks_running", scheduler.runningCount())
        .put("tasks_queued", scheduler.queuedCount()).put("max_concurrent", config.maxConcurrent())
        .put("version", config.version()).put("draining", scheduler.draining());
  }

  @Override
  public Future<?> stop() {
    if (endpoint == null) {
      return closeExecutors();
    }
    LOG.atInfo().addKeyValue(WORKER_ID, workerId).addKeyValue(WORKER_NAME, config.name())
        .log("Worker {} stopping: {} running, {} queued", config.name(), scheduler.runningCount(),
            scheduler.queuedCount());
    link.stop();
    return endpoint.close()
        .eventually(() -> scheduler.shutdown(config.shutdownGraceMs()))
        .eventually(() -> outbox.stop())
        .eventually(this::closeExecutors);
  }

  private Future<Void> closeExecutors() {
    if (processThreads != null) {
      processThreads.shutdownNow();
    }
    return files == null ? Future.succeededFuture() : files.close();
  }
}
