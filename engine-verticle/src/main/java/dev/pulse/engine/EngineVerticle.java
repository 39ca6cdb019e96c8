package dev.pulse.engine;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.BusEndpoint;
import dev.pulse.contracts.BusPolicy;
import dev.pulse.contracts.EngineInternal;
import dev.pulse.contracts.RegistryClient;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.contracts.signing.BusGrants;
import dev.pulse.engine.condition.RhinoConditions;
import dev.pulse.engine.decide.Decider;
import dev.pulse.engine.definition.DefinitionValidator;
import dev.pulse.engine.notify.Notifier;
import dev.pulse.engine.retention.Retention;
import dev.pulse.engine.run.ExecutionService;
import dev.pulse.engine.run.ResultInbox;
import dev.pulse.engine.run.Runner;
import dev.pulse.engine.run.RunnerFactory;
import dev.pulse.engine.run.WorkflowService;
import dev.pulse.engine.schedule.ScheduleService;
import dev.pulse.engine.schedule.ScheduleStore;
import dev.pulse.engine.schedule.Scheduler;
import dev.pulse.engine.store.CommandStore;
import dev.pulse.engine.store.ExecutionStore;
import dev.pulse.engine.store.WorkflowStore;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workflow engine: stores definitions and drives executions. Several engine nodes may run
 * against one database; a lease per execution makes exactly one of them drive it, and another
 * takes it over when that node stops or dies.
 */
public class EngineVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EngineVerticle.class);
  private static final long RETENTION_FIRST_MS = 60_000;

  private final String node = UUID.randomUUID().toString();
  private final Clock clock;
  private final List<MessageConsumer<JsonObject>> listeners = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private EngineConfig settings;
  private Pool pool;
  private BusEndpoint endpoint;
  private Runner runner;
  private Notifier notifier;
  private Retention retention;

  /** An engine on the system clock. */
  public EngineVerticle() {
    this(Clock.systemUTC());
  }

  /** An engine whose schedules read the time from {@code clock} (tests move it). */
  public EngineVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    try {
      settings = EngineConfig.from(config());
    } catch (RuntimeException badConfig) {
      return Future.failedFuture(badConfig);
    }
    pool = Database.pool(vertx, settings.db(), "pulse-db-engine");
    EventBus bus = vertx.eventBus();
    WorkflowStore workflows = new WorkflowStore(pool);
    ExecutionStore executions = new ExecutionStore(pool, settings.leaseMs());
    CommandStore commands = new CommandStore(pool);
    RhinoConditions conditions = new RhinoConditions(settings.conditionBudgetMs());
    Decider decider = new Decider(conditions, () -> UUID.randomUUID().toString(), settings.resultGraceMs());
    notifier = new Notifier(vertx, executions, settings.publicUrl(), settings.notifyTimeoutMs(),
        settings.mail());
    runner = RunnerFactory.create(vertx, node, decider, executions, commands,
        new RegistryClient(bus, settings.busTimeoutMs()),
        new WorkerClient(bus, settings.busTimeoutMs(), settings.dispatchSigner()), notifier);
    WorkflowService workflowService = new WorkflowService(workflows,
        new DefinitionValidator(conditions::parseError), bus);
    BusGrants grants = settings.dispatchSigner().grants();
    // Requests forwarded to the engine that owns an execution carry this node's own grant.
    ExecutionService executionService = new ExecutionService(runner, executions, workflows,
        new BusClient(bus, settings.busTimeoutMs(), new BusClient.Grant(grants, "engine " + node, BusPolicy.SERVER)));
    runner.connectChildren(workflows, (id, by) -> executionService.cancel(new JsonObject().put("id", id)
        .put("cancelled_by", by)));
    ResultInbox inbox = new ResultInbox(commands, runner, bus);
    retention = new Retention(pool, settings.retentionDays(), Retention.BATCH);
    ScheduleStore schedules = new ScheduleStore(pool);
    ScheduleService scheduleService = new ScheduleService(schedules, workflows, clock);
    Scheduler scheduler = new Scheduler(schedules, executionService, clock, node);

    endpoint = new BusEndpoint(bus)
        .guard(grants, BusPolicy.ENGINE)
        .guard(grants, Map.of(EngineInternal.engineNode(node), BusPolicy.ENGINE_INTERNAL))
        .on(Addresses.ENGINE_PING, body -> Future.succeededFuture(new JsonObject().put("role", "engine")))
        .on(Addresses.ENGINE_WORKFLOW_CREATE, workflowService::create)
        .on(Addresses.ENGINE_WORKFLOW_LIST, workflowService::list)
        .on(Addresses.ENGINE_WORKFLOW_GET, workflowService::get)
        .on(Addresses.ENGINE_WORKFLOW_UPDATE, workflowService::update)
        .on(Addresses.ENGINE_WORKFLOW_DELETE, workflowService::delete)
        .on(Addresses.ENGINE_SCHEDULE_GET, scheduleService::get)
        .on(Addresses.ENGINE_SCHEDULE_PUT, scheduleService::put)
        .on(Addresses.ENGINE_EXECUTION_START, executionService::start)
        .on(Addresses.ENGINE_EXECUTION_LIST, executionService::list)
        .on(Addresses.ENGINE_EXECUTION_GET, executionService::get)
        .on(Addresses.ENGINE_EXECUTION_RESPOND, executionService::respond)
        .on(Addresses.ENGINE_EXECUTION_CANCEL, executionService::cancel)
        .on(Addresses.ENGINE_EXECUTION_RESUME, executionService::resume)
        .on(Addresses.ENGINE_RESULTS, inbox::receive)
        .on(EngineInternal.engineNode(node), executionService::forwarded);
    listen(bus, Addresses.EVENT_WORKER_UPDATE, update -> {
      String status = update.getString("status");
      if ("offline".equals(status) || "deleted".equals(status) || "revoked".equals(status)) {
        runner.workerGone(update.getString("worker_id"), status);
      }
    });
    listen(bus, EngineInternal.COMMAND_RECORDED, inbox::recordedElsewhere);
    listen(bus, EngineInternal.CHILD_FINISHED, runner::childFinished);

    List<Future<Void>> ready = new ArrayList<>();
    ready.add(endpoint.ready());
    listeners.forEach(listener -> ready.add(listener.completion()));
    return Future.all(ready).onSuccess(registered -> {
      timers.add(vertx.setPeriodic(settings.renewMs(), tick -> runner.renew()));
      timers.add(vertx.setPeriodic(settings.claimMs(), tick -> runner.scan()));
      timers.add(vertx.setPeriodic(settings.reconcileMs(), tick -> runner.reconcile()));
      timers.add(vertx.setPeriodic(settings.schedulerTickMs(), tick -> scheduler.tick()));
      if (settings.retentionDays() > 0) {
        // The first pass a minute after start, not a whole period: a node restarted more often
        // than RETENTION_CHECK_MS would otherwise never prune.
        timers.add(vertx.setPeriodic(Math.min(RETENTION_FIRST_MS, settings.retentionCheckMs()),
            settings.retentionCheckMs(), tick -> retention.run()));
      }
      runner.scan();
      LOG.info("Engine node {} started", node);
    });
  }

  private void listen(EventBus bus, String address, Consumer<JsonObject> handler) {
    listeners.add(bus.<JsonObject>consumer(address, message -> {
      if (message.body() != null) {
        handler.accept(message.body());
      }
    }));
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    retention.close();
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(endpoint.close());
    listeners.forEach(listener -> closing.add(listener.unregister()));
    return Future.join(closing)
        .compose(unregistered -> runner.close(settings.busTimeoutMs() + 1_000))
        .onSuccess(released -> LOG.info("Engine node {} stopped; released {} execution(s)", node, released))
        .onFailure(failure -> LOG.warn("Engine node {} could not release its executions: {}", node,
            failure.toString()))
        .otherwiseEmpty()
        .eventually(() -> notifier.close())
        .eventually(() -> pool.close());
  }

  /** This node's id, the {@code owner} of the executions it drives. */
  public String nodeId() {
    return node;
  }
}
