package dev.pulse.worker.exec;

import static dev.pulse.contracts.LogKeys.withIds;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.OutputChunk;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command from start to result. State lives on the worker's event loop; the process is started,
 * drained and killed on process threads, which hop back with {@code runOnContext}.
 *
 * <p>Live output goes out one chunk of at most {@link #CHUNK_CHARS} at a time, the next only once
 * the bus has written the previous one: a pipe is read far faster than a connection drains, and
 * megabytes queued on the connection to the server nodes would hold back everything else this
 * worker JVM sends there, its heartbeats first. What is not sent yet waits in the pumps (bounded
 * by the live budget); the result follows the last chunk.
 */
final class CommandRun implements Stoppable {

  /** Why a run was stopped before it ended by itself. */
  enum StopReason { NONE, TIMEOUT, CANCELLED, SHUTDOWN }

  private static final Logger LOG = LoggerFactory.getLogger(CommandRun.class);
  private static final long CHUNK_INTERVAL_MS = 100;
  /** Live output per chunk at most (characters). */
  private static final int CHUNK_CHARS = 64 * 1024;
  /** How long a finished command waits for its live output to go out before dropping the rest. */
  private static final long LIVE_DRAIN_MAX_MS = 10_000;
  /** How long output may still arrive after the shell exited (a background child may hold the pipe). */
  private static final long DRAIN_AFTER_EXIT_MS = 1000;

  private final CommandDispatch dispatch;
  private final RunSettings settings;
  private final Vertx vertx;
  private final Context context;
  private final ExecutorService threads;
  private final Function<OutputChunk, Future<Void>> chunks;
  private final Promise<Finished> outcome = Promise.promise();
  private final LiveBudget budget;

  private OutputPump out;
  private OutputPump err;
  private Process process;
  private long startedNanos;
  private long exitedNanos;
  private int exitCode = -1;
  private boolean exited;
  private int pumpsEnded;
  private boolean drainExpired;
  private boolean killing;
  private boolean killDone;
  private boolean finished;
  private StopReason stopReason = StopReason.NONE;
  private long seq;
  private long timeoutTimer = -1;
  private long chunkTimer = -1;
  private long drainTimer = -1;
  private long liveTimer = -1;
  private boolean sending;
  private boolean stderrTurn;
  private boolean liveEnded;
  private boolean liveDropped;

  /**
   * A run of {@code dispatch}, not started yet.
   *
   * @param chunks publishes a live chunk; its future completes once the bus has written it
   */
  CommandRun(CommandDispatch dispatch, RunSettings settings, Vertx vertx, Context context, ExecutorService threads,
      Function<OutputChunk, Future<Void>> chunks) {
    this.dispatch = dispatch;
    this.settings = settings;
    this.vertx = vertx;
    this.context = context;
    this.threads = threads;
    this.chunks = chunks;
    this.budget = new LiveBudget(settings.liveCapBytes());
  }

  CommandDispatch dispatch() {
    return dispatch;
  }

  /** Starts the process; the future completes on the event loop with the result. */
  Future<Finished> start() {
    threads.execute(this::launch);
    return outcome.future();
  }

  /** Stops the run by killing its process tree; the first reason wins. No effect once the shell exited. */
  @Override
  public void stop(StopReason reason) {
    if (finished || exited || stopReason != StopReason.NONE) {
      return;
    }
    stopReason = reason;
    if (process != null) {
      killTree();
    }
  }

  // ------------------------------------------------------------ process threads

  private void launch() {
    Path cwd = dispatch.cwd() == null || dispatch.cwd().isBlank()
        ? settings.defaultCwd() : settings.defaultCwd().resolve(dispatch.cwd());
    if (!Files.isDirectory(cwd)) {
      context.runOnContext(v -> notStarted("working directory " + cwd + " does not exist on this worker"));
      return;
    }
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", dispatch.command()).directory(cwd.toFile())
        .redirectInput(new File("/dev/null"));
    if (dispatch.env() != null) {
      dispatch.env().forEach(entry -> {
        if (entry.getValue() != null) {
          builder.environment().put(entry.getKey(), String.valueOf(entry.getValue()));
        }
      });
    }
    Process started;
    try {
      started = builder.start();
    } catch (IOException | RuntimeException e) {
      context.runOnContext(v -> notStarted("could not start the command: " + e.getMessage()));
      return;
    }
    long startNanos = System.nanoTime();
    OutputPump.Listener listener = new OutputPump.Listener() {
      @Override
      public void flushWanted() {
        context.runOnContext(v -> flushChunks());
      }

      @Override
      public void ended(OutputPump pump) {
        context.runOnContext(v -> pumpEnded());
      }
    };
    out = new OutputPump("stdout", started.getInputStream(), settings.outputCapBytes(), budget, listener);
    err = new OutputPump("stderr", started.getErrorStream(), settings.outputCapBytes(), budget, listener);
    context.runOnContext(v -> started(started, startNanos));
    threads.execute(err);
    out.run();
  }

  // ------------------------------------------------------------ event loop

  private void started(Process started, long startNanos) {
    process = started;
    startedNanos = startNanos;
    withIds(LOG.atDebug(), dispatch).log("Command {} started as pid {}", dispatch.commandId(), started.pid());
    if (stopReason != StopReason.NONE) {
      killTree();
    }
    timeoutTimer = vertx.setTimer(Math.max(1, dispatch.timeout()), id -> {
      timeoutTimer = -1;
      stop(StopReason.TIMEOUT);
    });
    chunkTimer = vertx.setPeriodic(CHUNK_INTERVAL_MS, id -> flushChunks());
    started.onExit().whenComplete((p, failure) -> context.runOnContext(v -> exited()));
  }

  private void exited() {
    exited = true;
    exitedNanos = System.nanoTime();
    exitCode = process.exitValue();
    if (pumpsEnded < 2) {
      drainTimer = vertx.setTimer(DRAIN_AFTER_EXIT_MS, id -> {
        drainTimer = -1;
        drainExpired = true;
        maybeFinish();
      });
    }
    maybeFinish();
  }

  private void pumpEnded() {
    pumpsEnded++;
    maybeFinish();
  }

  private void killTree() {
    if (killing) {
      return;
    }
    killing = true;
    ProcessHandle root = process.toHandle();
    withIds(LOG.atDebug(), dispatch).log("Killing the process tree of command {} ({})", dispatch.commandId(),
        stopReason);
    threads.execute(() -> {
      try {
        ProcessTree.kill(root, settings.killGraceMs());
      } finally {
        context.runOnContext(v -> {
          killDone = true;
          maybeFinish();
        });
      }
    });
  }

  /** Sends the next chunk of pending live output unless one is still being written. */
  private void flushChunks() {
    if (finished || out == null || sending) {
      return;
    }
    OutputPump pump = nextPump();
    if (pump == null) {
      return;
    }
    sending = true;
    chunks.apply(new OutputChunk(dispatch.commandId(), dispatch.executionId(), dispatch.stepIndex(),
            settings.workerId(), pump.stream(), seq++, pump.takePending(CHUNK_CHARS)))
        // Failed or not, the chunk is gone (NO_HANDLERS: nobody follows the output). The next one goes on a
        // later turn of the event loop even when this write completed at once, as it does on the loop that
        // owns the connection: a loop writing megabytes in one turn starves the heartbeats it also runs.
        .onComplete(done -> context.runOnContext(v -> {
          sending = false;
          flushChunks();
          maybeFinish();
        }));
  }

  /** The stream to send from next: stdout and stderr take turns while both have text. */
  private OutputPump nextPump() {
    OutputPump first = stderrTurn ? err : out;
    OutputPump second = stderrTurn ? out : err;
    OutputPump pump = first.hasPending() ? first : second.hasPending() ? second : null;
    stderrTurn = pump == out;
    return pump;
  }

  private void maybeFinish() {
    if (finished || !exited || (pumpsEnded < 2 && !drainExpired) || (killing && !killDone)) {
      return;
    }
    if (!liveEnded) {
      // no more live text from here on; what the pumps hold still goes out before the result
      liveEnded = true;
      out.detach();
      err.detach();
    }
    if (!liveDropped) {
      flushChunks();
      if (sending || out.hasPending() || err.hasPending()) {
        if (liveTimer == -1) {
          liveTimer = vertx.setTimer(LIVE_DRAIN_MAX_MS, id -> dropLive());
        }
        return;
      }
    }
    finished = true;
    vertx.cancelTimer(timeoutTimer);
    vertx.cancelTimer(chunkTimer);
    vertx.cancelTimer(drainTimer);
    vertx.cancelTimer(liveTimer);
    long duration = TimeUnit.NANOSECONDS.toMillis(exitedNanos - startedNanos);
    boolean success = stopReason == StopReason.NONE && exitCode == 0;
    CommandResult result = new CommandResult(dispatch.commandId(), dispatch.executionId(), dispatch.stepIndex(),
        settings.workerId(), success, exitCode, out.capturedText(), err.capturedText(), duration,
        stopReason == StopReason.TIMEOUT, out.truncated() || err.truncated(), error(), System.currentTimeMillis());
    outcome.complete(new Finished(dispatch, result, budget.exhausted() || liveDropped));
  }

  /** The bus took too long for the rest of the live output: the result goes without it. */
  private void dropLive() {
    liveTimer = -1;
    liveDropped = true;
    withIds(LOG.atWarn(), dispatch).log("Live output of command {} was still not sent {} ms after it ended; the"
        + " rest is dropped (the result keeps the capped output)", dispatch.commandId(), LIVE_DRAIN_MAX_MS);
    maybeFinish();
  }

  private String error() {
    return switch (stopReason) {
      case TIMEOUT -> "timed out after " + dispatch.timeout() + " ms; the process tree was killed";
      case CANCELLED -> "cancelled";
      case SHUTDOWN -> "the worker stopped; the process tree was killed";
      case NONE -> null;
    };
  }

  private void notStarted(String why) {
    finished = true;
    outcome.complete(new Finished(dispatch, CommandResult.notRun(dispatch, settings.workerId(), why), false));
  }
}
