package dev.pulse.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S1: one execute step {@code true} on N workers, from {@code POST /api/executions} to status
 * {@code completed}. Each timed run is paired with its limit measured right before it: N raw
 * {@code sh -c true} spawns from Java, so both see the same machine.
 */
final class FanOut {

  private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

  private FanOut() {
  }

  static JsonObject run(Fleet fleet, Meter meter, Executions executions, Profile profile) {
    JsonArray rows = new JsonArray();
    for (int n : profile.fanOutSizes()) {
      if (n > fleet.workerNames.size()) {
        continue;
      }
      List<String> targets = n == fleet.workerNames.size() ? List.of("bench") : fleet.spread(n);
      String workflow = fleet.api.createWorkflow("s1-fan-out-" + n, Executions.executeStep("true", targets, "true"))
          .await();
      for (int i = 0; i < profile.fanOutWarmup(); i++) {
        Spawner.burst(n, 1);
        executions.run(workflow, 60_000).await();
      }
      Meter.Reading before = meter.read();
      List<Double> pulse = new ArrayList<>();
      List<Double> limit = new ArrayList<>();
      int failures = 0;
      for (int i = 0; i < profile.fanOutRuns(); i++) {
        limit.add(Spawner.burst(n, 1)[0]);
        Executions.Sample sample = executions.run(workflow, 60_000).await();
        if (sample.completed()) {
          executions.verify(sample.id(), n);
          pulse.add(sample.millis());
        } else {
          failures++;
          LOG.warn("S1 N={}: execution {} ended {} ({})", n, sample.id(), sample.status(), sample.error());
        }
      }
      JsonObject cost = meter.read().since(before, profile.fanOutRuns(), "execution");
      Stats p = Stats.of(pulse);
      Stats l = Stats.of(limit);
      LOG.info("S1 N={}: PULSE p50 {} ms p95 {} ms; raw spawns p50 {} ms p95 {} ms", n, Stats.round(p.p50()),
          Stats.round(p.p95()), Stats.round(l.p50()), Stats.round(l.p95()));
      rows.add(new JsonObject().put("n", n).put("pulse", p.toJson()).put("limit", l.toJson())
          .put("failures", failures).put("cost", cost)
          .put("ratio_p50", Stats.round(p.p50() / l.p50())).put("ratio_p95", Stats.round(p.p95() / l.p95()))
          .put("target", n >= 50 ? "ratio_p50 <= 2" : null)
          .put("met", n >= 50 ? (Boolean) (p.p50() / l.p50() <= 2.0) : null));
    }
    return new JsonObject().put("runs_per_n", profile.fanOutRuns())
        .put("limit_method", "N x `/bin/sh -c true` from Java on " + Spawner.BURST_THREADS + " threads")
        .put("rows", rows);
  }
}
