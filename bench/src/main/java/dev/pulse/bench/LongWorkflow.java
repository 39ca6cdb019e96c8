package dev.pulse.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3: one execution of 100 sequential execute steps ({@code true}) on one worker. Overhead per step
 * = (POST-to-completed time − 100 × one raw spawn) / 100, the raw spawn's median measured just
 * before. The stored step times split it: the worker's own command duration, the engine's view of
 * each step (started → finished) and the gap between one step's end and the next one's start.
 */
final class LongWorkflow {

  private static final Logger LOG = LoggerFactory.getLogger(LongWorkflow.class);
  static final int STEPS = 100;

  private LongWorkflow() {
  }

  static JsonObject run(Fleet fleet, Meter meter, Executions executions, Profile profile) {
    String worker = fleet.spread(1).get(0);
    JsonArray steps = new JsonArray();
    for (int i = 1; i <= STEPS; i++) {
      steps.addAll(Executions.executeStep("step " + i, List.of(worker), "true"));
    }
    String workflow = fleet.api.createWorkflow("s3-long", steps).await();
    // The preheat's one 50-step run leaves this path half compiled: the JIT took 360 ms of the
    // server's CPU during a first timed run of 0.6 s, 70 ms during the second, none in the third.
    for (int r = 0; r < profile.longWarmup(); r++) {
      executions.run(workflow, 300_000).await();
    }
    JsonArray runs = new JsonArray();
    List<Double> overheads = new ArrayList<>();
    for (int r = 0; r < profile.longRuns(); r++) {
      Stats spawn = Stats.of(Spawner.sequential(STEPS));
      Meter.Reading before = meter.read();
      Executions.Sample sample = executions.run(workflow, 300_000).await();
      JsonObject cost = meter.read().since(before, STEPS, "step");
      if (!sample.completed()) {
        throw new IllegalStateException("S3: execution " + sample.id() + " ended " + sample.status() + ": "
            + sample.error());
      }
      JsonObject execution = executions.verify(sample.id(), 1);
      double overhead = (sample.millis() - STEPS * spawn.p50()) / STEPS;
      overheads.add(overhead);
      JsonObject run = new JsonObject().put("total_ms", Stats.round(sample.millis()))
          .put("raw_spawn", spawn.toJson()).put("overhead_per_step_ms", Stats.round(overhead))
          .mergeIn(breakdown(execution)).put("cost", cost);
      LOG.info("S3 run {}: {} ms for {} steps, raw spawn p50 {} ms, overhead {} ms/step", r + 1,
          Stats.round(sample.millis()), STEPS, Stats.round(spawn.p50()), Stats.round(overhead));
      runs.add(run);
    }
    Stats overall = Stats.of(overheads);
    return new JsonObject().put("steps", STEPS).put("runs", runs)
        .put("overhead_per_step_ms", Stats.round(overall.p50()))
        .put("met", overall.p50() <= 3.0);
  }

  /** Medians of the stored per-step times (millisecond timestamps). */
  static JsonObject breakdown(JsonObject execution) {
    JsonArray steps = execution.getJsonArray("steps", new JsonArray());
    List<Double> command = new ArrayList<>();
    List<Double> step = new ArrayList<>();
    List<Double> gap = new ArrayList<>();
    Long previousEnd = null;
    for (Object item : steps) {
      JsonObject s = (JsonObject) item;
      Long start = millis(s.getString("started_at"));
      Long end = millis(s.getString("finished_at"));
      if (start != null && end != null) {
        step.add((double) (end - start));
        if (previousEnd != null) {
          gap.add((double) (start - previousEnd));
        }
        previousEnd = end;
      }
      for (Object result : s.getJsonArray("results", new JsonArray())) {
        Number duration = ((JsonObject) result).getNumber("duration");
        if (duration != null) {
          command.add(duration.doubleValue());
        }
      }
    }
    // The engine's log lines of each step: started → command_dispatched → target_finished.
    java.util.Map<Integer, java.util.Map<String, Long>> events = new java.util.HashMap<>();
    for (Object item : execution.getJsonArray("logs", new JsonArray())) {
      JsonObject line = (JsonObject) item;
      Integer index = line.getInteger("step");
      Long at = millis(line.getString("timestamp"));
      if (index != null && at != null) {
        events.computeIfAbsent(index, k -> new java.util.HashMap<>()).putIfAbsent(line.getString("event"), at);
      }
    }
    List<Double> resolve = new ArrayList<>();
    List<Double> run = new ArrayList<>();
    events.values().forEach(times -> {
      Long started = times.get("step_started");
      Long dispatched = times.get("command_dispatched");
      Long finished = times.get("target_finished");
      if (started != null && dispatched != null && finished != null) {
        resolve.add((double) (dispatched - started));
        run.add((double) (finished - dispatched));
      }
    });
    return new JsonObject()
        .put("log_started_to_dispatched_ms_p50", Stats.round(Stats.of(resolve).p50()))
        .put("log_dispatched_to_finished_ms_p50", Stats.round(Stats.of(run).p50()))
        .put("worker_command_ms_p50", Stats.round(Stats.of(command).p50()))
        .put("engine_step_ms_p50", Stats.round(Stats.of(step).p50()))
        .put("engine_step_ms_p95", Stats.round(Stats.of(step).p95()))
        .put("gap_between_steps_ms_p50", Stats.round(Stats.of(gap).p50()))
        .put("first_step_ms_p50_of_steps_1_10", Stats.round(Stats.of(step.subList(0, Math.min(10, step.size()))).p50()))
        .put("last_steps_ms_p50_of_steps_91_100",
            Stats.round(Stats.of(step.subList(Math.max(0, step.size() - 10), step.size())).p50()));
  }

  private static Long millis(String iso) {
    return iso == null ? null : Instant.parse(iso).toEpochMilli();
  }
}
