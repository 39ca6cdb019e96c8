package dev.pulse.worker.exec;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandResult;
import dev.pulse.contracts.OutputChunk;
import dev.pulse.contracts.WorkflowDispatch;
import dev.pulse.contracts.WorkflowResult;
import dev.pulse.contracts.WorkflowStep;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * One local workflow: its steps one after the other on this worker, with no bus in between, so a
 * step that cuts the network does not stop the rest. Stops at the first failing step. Confined to
 * the worker's event loop; commands run as {@link CommandRun}s (trees killed on timeout, output
 * capped and streamed under the command id {@code <execution_id>-<step index>}).
 */
final class WorkflowRun implements Stoppable {

  private final WorkflowDispatch dispatch;
  private final RunSettings settings;
  private final Vertx vertx;
  private final Context context;
  private final ExecutorService threads;
  private final Function<OutputChunk, Future<Void>> chunks;
  private final Promise<WorkflowFinished> outcome = Promise.promise();
  private final List<WorkflowResult.StepResult> done = new ArrayList<>();

  private CommandRun current;
  private long waitTimer = -1;
  private CommandRun.StopReason stopReason = CommandRun.StopReason.NONE;

  WorkflowRun(WorkflowDispatch dispatch, RunSettings settings, Vertx vertx, Context context, ExecutorService threads,
      Function<OutputChunk, Future<Void>> chunks) {
    this.dispatch = dispatch;
    this.settings = settings;
    this.vertx = vertx;
    this.context = context;
    this.threads = threads;
    this.chunks = chunks;
  }

  Future<WorkflowFinished> start() {
    next(0);
    return outcome.future();
  }

  @Override
  public void stop(CommandRun.StopReason reason) {
    if (stopReason != CommandRun.StopReason.NONE || outcome.future().isComplete()) {
      return;
    }
    stopReason = reason;
    if (current != null) {
      current.stop(reason);
    } else if (waitTimer != -1 && vertx.cancelTimer(waitTimer)) {
      waitTimer = -1;
      WorkflowStep step = dispatch.steps().get(done.size());
      done.add(new WorkflowResult.StepResult(step.name(), -1, "", "", 0, false));
      finish(false, stopped(step));
    }
  }

  private void next(int index) {
    if (stopReason != CommandRun.StopReason.NONE) {
      finish(false, stopped(dispatch.steps().get(index)));
      return;
    }
    if (index >= dispatch.steps().size()) {
      finish(true, "all " + done.size() + " step(s) succeeded");
      return;
    }
    WorkflowStep step = dispatch.steps().get(index);
    if (WorkflowStep.WAIT.equals(step.type())) {
      long began = System.currentTimeMillis();
      waitTimer = vertx.setTimer(Math.max(1, step.duration()), id -> {
        waitTimer = -1;
        done.add(new WorkflowResult.StepResult(step.name(), 0, "", "", System.currentTimeMillis() - began, false));
        next(index + 1);
      });
      return;
    }
    CommandDispatch command = new CommandDispatch(dispatch.executionId() + "-" + index, dispatch.executionId(),
        index, settings.workerId(), step.command(), step.timeout(), null, null, dispatch.replyTo());
    current = new CommandRun(command, settings, vertx, context, threads, chunks);
    current.start().onSuccess(finished -> {
      current = null;
      CommandResult result = finished.result();
      done.add(new WorkflowResult.StepResult(step.name(), result.exitCode(), result.stdout(), result.stderr(),
          result.duration(), result.timedOut()));
      if (result.success()) {
        next(index + 1);
      } else {
        finish(false, "step " + (index + 1) + " '" + step.name() + "' failed: " + (result.error() != null
            ? result.error() : "exit code " + result.exitCode()));
      }
    });
  }

  private String stopped(WorkflowStep step) {
    return "stopped at step '" + step.name() + "': " + (stopReason == CommandRun.StopReason.CANCELLED ? "cancelled"
        : "the worker stopped");
  }

  private void finish(boolean success, String message) {
    outcome.tryComplete(new WorkflowFinished(dispatch, new WorkflowResult(dispatch.executionId(),
        settings.workerId(), success, message, System.currentTimeMillis(), done)));
  }
}
