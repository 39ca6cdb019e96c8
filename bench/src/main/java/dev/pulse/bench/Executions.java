package dev.pulse.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs executions through the REST API and times them from the POST to their final status. */
final class Executions {

  /** One execution: its id, POST-to-end milliseconds and how it ended. */
  record Sample(String id, double millis, String status, String error, long endNanos, double startWallMs) {
    boolean completed() {
      return "completed".equals(status);
    }
  }

  private final Api api;
  private final Watch watch;
  private Meter meter;

  Executions(Api api, Watch watch) {
    this.api = api;
    this.watch = watch;
  }

  /** Lets {@link #timeline} add the stored command times. */
  void diagnoseWith(Meter meter) {
    this.meter = meter;
  }

  /**
   * Starts one; the clock starts at {@code startNanos} (the intended send time under an open-loop
   * load). Never fails: a refused POST or a timeout is a sample with that status.
   */
  Future<Sample> run(String workflowId, long startNanos, long timeoutMs) {
    return api.startExecution(workflowId).compose(id -> end(id, startNanos, timeoutMs),
        refused -> Future.succeededFuture(new Sample(null, (System.nanoTime() - startNanos) / 1e6, "refused",
            refused.getMessage(), System.nanoTime(), wall(startNanos))));
  }

  private Future<Sample> end(String id, long startNanos, long timeoutMs) {
    return watch.end(id).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(end -> new Sample(id, (end.nanos() - startNanos) / 1e6, end.status(), end.error(), end.nanos(),
            wall(startNanos)))
        .recover(failure -> {
          watch.forget(id);
          return Future.succeededFuture(new Sample(id, (System.nanoTime() - startNanos) / 1e6, "timeout",
              failure.getMessage(), System.nanoTime(), wall(startNanos)));
        });
  }

  /** The wall-clock time (epoch ms) of a {@link System#nanoTime()} instant in the recent past. */
  private static double wall(long nanos) {
    return System.currentTimeMillis() - (System.nanoTime() - nanos) / 1e6;
  }

  /**
   * Where the time of one execution went: each engine log line's offset (ms) from the moment the
   * benchmark sent the POST, then when the benchmark learned of the end.
   */
  JsonObject timeline(Sample sample) {
    JsonObject line = new JsonObject().put("id", sample.id()).put("total_ms", Stats.round(sample.millis()));
    try {
      JsonArray logs = api.execution(sample.id()).await().getJsonArray("logs", new JsonArray());
      JsonArray events = new JsonArray();
      for (Object item : logs) {
        JsonObject log = (JsonObject) item;
        double at = java.time.Instant.parse(log.getString("timestamp")).toEpochMilli();
        events.add(log.getString("event") + " +" + Math.round(at - sample.startWallMs()));
      }
      line.put("engine_log_ms_after_post", events);
      if (meter != null) {
        // the command as stored: dispatch stored → worker started/ended → result stored
        JsonArray commands = new JsonArray();
        for (Object item : meter.commandTimes(sample.id())) {
          JsonObject c = (JsonObject) item;
          Long ended = c.getLong("worker_ended");
          Long duration = c.getLong("worker_duration");
          commands.add(new JsonObject()
              .put("dispatch_stored", offset(c.getLong("stored"), sample))
              .put("worker_started", ended == null || duration == null ? null : offset(ended - duration, sample))
              .put("worker_ended", offset(ended, sample))
              .put("result_stored", offset(c.getLong("result_stored"), sample)));
        }
        line.put("commands_ms_after_post", commands);
      }
      return line;
    } catch (RuntimeException e) {
      return line.put("error", e.getMessage());
    }
  }

  private static Long offset(Long epochMs, Sample sample) {
    return epochMs == null ? null : Math.round(epochMs - sample.startWallMs());
  }

  Future<Sample> run(String workflowId, long timeoutMs) {
    return run(workflowId, System.nanoTime(), timeoutMs);
  }

  /** One execute step running {@code command} on {@code targets}. */
  static JsonArray executeStep(String name, List<String> targets, String command) {
    return new JsonArray().add(new JsonObject().put("name", name).put("type", "execute")
        .put("targets", new JsonArray(targets)).put("command", command).put("timeout", 60_000));
  }

  /** What {@code GET /api/executions/:id} says of an execution that did not complete in time. */
  JsonObject describe(String id) {
    try {
      JsonObject execution = api.execution(id).await();
      JsonArray steps = execution.getJsonArray("steps", new JsonArray());
      JsonArray logs = execution.getJsonArray("logs", new JsonArray());
      return new JsonObject().put("id", id).put("status", execution.getString("status"))
          .put("events_received", new JsonArray(watch.eventsOf(id)))
          .put("error", execution.getString("error")).put("current_step", execution.getValue("current_step"))
          .put("step", steps.isEmpty() ? null : steps.getJsonObject(0).copy())
          .put("last_log", logs.isEmpty() ? null : logs.getJsonObject(logs.size() - 1));
    } catch (RuntimeException e) {
      return new JsonObject().put("id", id).put("error", e.getMessage());
    }
  }

  /**
   * Checks through {@code GET /api/executions/:id} that the execution completed with every step's
   * {@code expectedTargets} results successful; returns the execution, or throws saying what differs.
   */
  JsonObject verify(String id, int expectedTargets) {
    JsonObject execution = api.execution(id).await();
    if (!"completed".equals(execution.getString("status"))) {
      throw new IllegalStateException("Execution " + id + " ended " + execution.getString("status") + ": "
          + execution.getString("error"));
    }
    for (Object item : execution.getJsonArray("steps", new JsonArray())) {
      JsonArray results = ((JsonObject) item).getJsonArray("results", new JsonArray());
      long ok = results.stream().map(JsonObject.class::cast).filter(r -> Boolean.TRUE.equals(r.getBoolean("success")))
          .count();
      if (ok != expectedTargets) {
        throw new IllegalStateException("Execution " + id + ": a step has " + ok + " successful results of "
            + expectedTargets + ": " + results.encode());
      }
    }
    return execution;
  }
}
