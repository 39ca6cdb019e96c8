package dev.pulse.worker.exec;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.contracts.OutputChunk;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Admits commands and local workflows (a workflow is one task): at most {@code maxConcurrent} run, up
 * to {@code queueSize} wait in FIFO order, and each command id (or workflow execution id) runs at most
 * once. Confined to the worker's event loop.
 */
public final class CommandScheduler {

  /** How many finished command ids are remembered to recognise repeated dispatches. */
  private static final int REMEMBERED_IDS = 10_000;

  private final RunSettings settings;
  private final int maxConcurrent;
  private final int queueSize;
  private final Vertx vertx;
  private final Context context;
  private final ExecutorService threads;
  private final Function<OutputChunk, Future<Void>> chunks;
  private final Consumer<CommandDispatch> accepted;
  private final Consumer<Finished> finished;
  private final Consumer<WorkflowDispatch> workflowAccepted;
  private final Consumer<WorkflowFinished> workflowFinished;

  private final Map<String, Stoppable> running = new LinkedHashMap<>();
  private final LinkedHashMap<String, Queued> queue = new LinkedHashMap<>();
  private final Set<String> done = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_IDS;
    }
  });
  private boolean draining;
  private boolean stopping;
  private Promise<Void> idle;

  /** A waiting task: exactly one of the two is set. */
  private record Queued(CommandDispatch command, WorkflowDispatch workflow) {
  }

  /**
   * A scheduler.
   *
   * @param chunks publishes a live output chunk; its future completes once the bus has written it
   * @param accepted told of every accepted dispatch (to journal it)
   * @param finished told of every result, exactly once per accepted command id
   * @param workflowAccepted told of every accepted local workflow (to journal it)
   * @param workflowFinished told of every workflow result, exactly once per accepted execution id
   */
  public CommandScheduler(RunSettings settings, int maxConcurrent, int queueSize, Vertx vertx, Context context,
      ExecutorService threads, Function<OutputChunk, Future<Void>> chunks, Consumer<CommandDispatch> accepted,
      Consumer<Finished> finished, Consumer<WorkflowDispatch> workflowAccepted,
      Consumer<WorkflowFinished> workflowFinished) {
    this.settings = settings;
    this.maxConcurrent = maxConcurrent;
    this.queueSize = queueSize;
    this.vertx = vertx;
    this.context = context;
    this.threads = threads;
    this.chunks = chunks;
    this.accepted = accepted;
    this.finished = finished;
    this.workflowAccepted = workflowAccepted;
    this.workflowFinished = workflowFinished;
  }

  /**
   * Accepts a dispatch: replies {@code {accepted, queued, worker_id}}, or {@code {accepted, duplicate}}
   * for an id already running, queued or done; fails 409 while draining and 429 when the queue is full.
   */
  public JsonObject submit(CommandDispatch dispatch) {
    return admit(new Queued(dispatch, null));
  }

  /** Accepts a local workflow as one task; replies and fails like {@link #submit(CommandDispatch)}. */
  public JsonObject submit(WorkflowDispatch dispatch) {
    return admit(new Queued(null, dispatch));
  }

  private JsonObject admit(Queued task) {
    String id = id(task);
    JsonObject reply = new JsonObject().put("accepted", true).put("worker_id", settings.workerId());
    if (isKnown(id)) {
      return reply.put("duplicate", true).put("queued", queue.containsKey(id));
    }
    if (draining) {
      throw new PulseException(ErrorCodes.CONFLICT, "worker is draining");
    }
    if (running.size() < maxConcurrent) {
      journal(task);
      launch(task);
      return reply.put("queued", false);
    }
    if (queue.size() >= queueSize) {
      throw new PulseException(ErrorCodes.TOO_MANY_REQUESTS, "queue full");
    }
    queue.put(id, task);
    journal(task);
    return reply.put("queued", true);
  }

  /** Whether this id is running, queued or was finished recently. */
  public boolean isKnown(String commandId) {
    return running.containsKey(commandId) || queue.containsKey(commandId) || done.contains(commandId);
  }

  /** Marks an id as done (its result is in the outbox from an earlier run). */
  public void remember(String commandId) {
    done.add(commandId);
  }

  /** Cancels a command: "queued" or "running" for what it was, null when it is neither. */
  public String cancel(String commandId) {
    Queued waiting = queue.remove(commandId);
    if (waiting != null) {
      done.add(commandId);
      notRun(waiting, "cancelled");
      return "queued";
    }
    Stoppable run = running.get(commandId);
    if (run != null) {
      run.stop(CommandRun.StopReason.CANCELLED);
      return "running";
    }
    return null;
  }

  /** Stops taking new commands; running and queued ones still complete. */
  public void drain() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  public int runningCount() {
    return running.size();
  }

  public int queuedCount() {
    return queue.size();
  }

  /**
   * Stops: queued commands end unrun, running ones get {@code graceMs} to finish before their trees
   * are killed. Completes when every result has been handed on.
   */
  public Future<Void> shutdown(long graceMs) {
    draining = true;
    stopping = true;
    for (Queued waiting : new ArrayList<>(queue.values())) {
      done.add(id(waiting));
      notRun(waiting, "the worker stopped before the command started");
    }
    queue.clear();
    if (running.isEmpty()) {
      return Future.succeededFuture();
    }
    idle = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, graceMs), id -> {
      for (Stoppable run : new ArrayList<>(running.values())) {
        run.stop(CommandRun.StopReason.SHUTDOWN);
      }
    });
    return idle.future().andThen(ignored -> vertx.cancelTimer(timer));
  }

  private static String id(Queued task) {
    return task.command() != null ? task.command().commandId() : task.workflow().executionId();
  }

  private void journal(Queued task) {
    if (task.command() != null) {
      accepted.accept(task.command());
    } else {
      workflowAccepted.accept(task.workflow());
    }
  }

  private void launch(Queued task) {
    if (task.command() != null) {
      CommandRun run = new CommandRun(task.command(), settings, vertx, context, threads, chunks);
      running.put(id(task), run);
      run.start().onSuccess(result -> completed(id(task), () -> finished.accept(result)));
    } else {
      WorkflowRun run = new WorkflowRun(task.workflow(), settings, vertx, context, threads, chunks);
      running.put(id(task), run);
      run.start().onSuccess(result -> completed(id(task), () -> workflowFinished.accept(result)));
    }
  }

  private void completed(String id, Runnable report) {
    running.remove(id);
    done.add(id);
    report.run();
    while (!stopping && running.size() < maxConcurrent && !queue.isEmpty()) {
      String next = queue.keySet().iterator().next();
      launch(queue.remove(next));
    }
    if (stopping && running.isEmpty() && idle != null) {
      idle.tryComplete();
    }
  }

  private void notRun(Queued task, String why) {
    if (task.command() != null) {
      finished.accept(new Finished(task.command(), CommandResult.notRun(task.command(), settings.workerId(), why),
          false));
    } else {
      workflowFinished.accept(new WorkflowFinished(task.workflow(),
          WorkflowResult.failed(task.workflow(), settings.workerId(), why)));
    }
  }
}
