package dev.pulse.worker;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.OutputChunk;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkerClient;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.contracts.signing.DispatchSigner;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One worker under test on a real Vertx, with bus consumers playing its peers: a registry
 * (connect and heartbeat), a result receiver on {@link Addresses#ENGINE_RESULTS} and a watcher of
 * live output.
 */
final class WorkerHarness {

  static final String ENROLMENT_KEY = "enrolment-key-for-tests";
  /** The server nodes' dispatch key pair; the worker trusts its public half. */
  static final KeyPair DISPATCH_KEYS = DispatchKeys.generate();
  /** Signs like the engine and the registry do. */
  static final DispatchSigner SIGNER = new DispatchSigner(DISPATCH_KEYS.getPrivate());

  final Vertx vertx;
  final Path stateDir;
  final Path workDir;
  final List<JsonObject> connects = new CopyOnWriteArrayList<>();
  final List<JsonObject> heartbeats = new CopyOnWriteArrayList<>();
  final Map<String, List<Received>> results = new ConcurrentHashMap<>();
  final List<Received> chunks = new CopyOnWriteArrayList<>();

  /** 0 accepts connects; otherwise the status the registry stand-in fails them with. */
  volatile int connectFailure;
  /** A worker key the registry stand-in issues on connect, or null. */
  volatile String issuedKey;
  /** Heartbeats to fail with 404 before accepting them again. */
  final AtomicInteger heartbeatsToForget = new AtomicInteger();

  private MessageConsumer<JsonObject> receiver;
  private String deploymentId;
  private String workerId;

  /** Something that arrived, with the time it arrived. */
  record Received(JsonObject body, long atNanos) {
  }

  WorkerHarness(Vertx vertx, Path stateDir, Path workDir) {
    this.vertx = vertx;
    this.stateDir = stateDir;
    this.workDir = workDir;
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENT_OUTPUT,
        message -> chunks.add(new Received(message.body(), System.nanoTime()))).completion().await();
  }

  /** Plays the registry: accepts (or refuses) connects and records heartbeats. */
  WorkerHarness withRegistry() {
    vertx.eventBus().<JsonObject>consumer(Addresses.REGISTRY_CONNECT, this::onConnect).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.REGISTRY_HEARTBEAT, this::onHeartbeat).completion().await();
    return this;
  }

  /** Plays the engine: acknowledges every result. */
  WorkerHarness withReceiver() {
    receiver = vertx.eventBus().consumer(Addresses.ENGINE_RESULTS, message -> {
      JsonObject body = message.body();
      results.computeIfAbsent(body.getString("command_id"), id -> new CopyOnWriteArrayList<>())
          .add(new Received(body, System.nanoTime()));
      message.reply(new JsonObject());
    });
    receiver.completion().await();
    return this;
  }

  void withoutReceiver() {
    receiver.unregister().await();
  }

  private void onConnect(Message<JsonObject> message) {
    connects.add(message.body());
    if (connectFailure != 0) {
      message.fail(connectFailure, new PulseException(connectFailure, "unknown API key").toFailureMessage());
      return;
    }
    JsonObject reply = new JsonObject().put("accepted", true).put("worker_id", message.body().getString("worker_id"));
    if (issuedKey != null) {
      reply.put("worker_key", issuedKey);
    }
    message.reply(reply);
  }

  private void onHeartbeat(Message<JsonObject> message) {
    if (heartbeatsToForget.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      message.fail(404, PulseException.notFound("unknown worker").toFailureMessage());
      return;
    }
    heartbeats.add(message.body());
    message.reply(new JsonObject().put("status", "online"));
  }

  /** Settings for tests: short intervals, a private state directory and working directory. */
  JsonObject config() {
    return new JsonObject().put("WORKER_NAME", "test-worker").put("WORKER_GROUPS", "web,db")
        .put("WORKER_API_KEY", ENROLMENT_KEY).put("WORKER_STATE_DIR", stateDir.toString())
        .put("WORKER_CWD", workDir.toString()).put("HEARTBEAT_INTERVAL_MS", 300).put("KILL_GRACE_MS", 300)
        .put("BUS_TIMEOUT_MS", 2000).put("SHUTDOWN_GRACE_MS", 1000).put("RESULT_RETRY_MAX_MS", 500)
        .put("DISPATCH_PUBLIC_KEY", DispatchKeys.base64(DISPATCH_KEYS.getPublic()));
  }

  WorkerHarness deploy() {
    return deploy(config());
  }

  WorkerHarness deploy(JsonObject config) {
    deploymentId = vertx.deployVerticle(new WorkerVerticle(), new DeploymentOptions().setConfig(config)).await();
    return this;
  }

  /** Stops the worker before JUnit deletes its directories. */
  void close() {
    if (deploymentId != null) {
      undeploy();
    }
  }

  void undeploy() {
    vertx.undeploy(deploymentId).await();
    deploymentId = null;
  }

  /** Waits until the registry stand-in has accepted the worker and seen its first heartbeat. */
  WorkerHarness awaitAccepted() {
    int before = heartbeats.size();
    waitFor("a heartbeat after acceptance", () -> heartbeats.size() > before);
    workerId = heartbeats.get(heartbeats.size() - 1).getString("worker_id");
    return this;
  }

  String workerId() {
    return workerId;
  }

  Future<JsonObject> dispatch(String commandId, String command) {
    return dispatch(commandId, command, 20_000);
  }

  Future<JsonObject> dispatch(String commandId, String command, long timeoutMs) {
    return dispatch(workerId, new CommandDispatch(commandId, "exec-1", 0, workerId, command, timeoutMs, null, null,
        Addresses.ENGINE_RESULTS));
  }

  Future<JsonObject> dispatch(String toWorker, CommandDispatch dispatch) {
    return new WorkerClient(vertx.eventBus(), 5000, SIGNER).execute(new CommandDispatch(dispatch.commandId(),
        dispatch.executionId(), dispatch.stepIndex(), toWorker, dispatch.command(), dispatch.timeout(),
        dispatch.cwd(), dispatch.env(), dispatch.replyTo()));
  }

  Future<JsonObject> control(JsonObject message) {
    return new WorkerClient(vertx.eventBus(), 5000, SIGNER).control(workerId, message);
  }

  /** Puts a body straight onto the worker's execute address, as any process on the bus could. */
  Future<JsonObject> rawExecute(JsonObject body) {
    return new WorkerClient(vertx.eventBus(), 5000).request(Addresses.workerExecute(workerId), body, "worker");
  }

  /** Puts a body straight onto the worker's control address. */
  Future<JsonObject> rawControl(JsonObject body) {
    return new WorkerClient(vertx.eventBus(), 5000).request(Addresses.workerControl(workerId), body, "worker");
  }

  /** The first result of a command, waiting up to 20 s. */
  JsonObject result(String commandId) {
    waitFor("the result of " + commandId, () -> results.containsKey(commandId));
    return results.get(commandId).get(0).body();
  }

  int deliveries(String commandId) {
    return results.getOrDefault(commandId, List.of()).size();
  }

  /** The live output of one command and stream, chunks in seq order. */
  String streamed(String commandId, String stream) {
    return chunks.stream().map(received -> OutputChunk.fromJson(received.body()))
        .filter(chunk -> chunk.commandId().equals(commandId) && chunk.stream().equals(stream))
        .sorted((a, b) -> Long.compare(a.seq(), b.seq())).map(OutputChunk::data)
        .reduce("", String::concat);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 20 s", e);
    }
  }

  /** The failure of a request that must fail. */
  static PulseException failure(Future<?> future) {
    java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
    future.onComplete(done -> outcome.complete(done.failed() ? done.cause() : null));
    Throwable cause;
    try {
      cause = outcome.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer within 20 s", e);
    }
    if (cause == null) {
      throw new AssertionError("the request succeeded but should have failed");
    }
    return PulseException.from(cause, "worker");
  }

  static void waitFor(String what, BooleanSupplier condition) {
    waitFor(what, condition, 20_000);
  }

  static void waitFor(String what, BooleanSupplier condition, long maxMs) {
    long deadline = System.currentTimeMillis() + maxMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
