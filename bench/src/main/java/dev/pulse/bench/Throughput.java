package dev.pulse.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S2: many single-step executions ({@code true} on one worker each) in flight at once, with every
 * decision stored in MariaDB as always. Peak: completed executions a second with {@code C} in
 * flight; then p50/p99 latency at half that rate, open-loop. Limit: raw {@code sh -c true} spawns
 * a second from Java on {@code C} threads.
 */
final class Throughput {

  private static final Logger LOG = LoggerFactory.getLogger(Throughput.class);

  private Throughput() {
  }

  /** One single-step workflow per worker: the load spreads over every worker of every JVM. */
  static List<String> workflows(Fleet fleet) {
    List<String> names = fleet.spread(fleet.workerNames.size());
    List<Future<String>> created = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      created.add(fleet.api.createWorkflow("s2-" + names.get(i), Executions.executeStep("true", List.of(names.get(i)),
          "true")));
      if (created.size() == 16 || i == names.size() - 1) {
        created.forEach(future -> ids.add(future.await()));
        created.clear();
      }
    }
    return ids;
  }

  /** The result, and the peak rate it found (S5 reuses half of it). */
  record Outcome(JsonObject json, double peakPerSecond) {
  }

  static Outcome run(Load load, Meter meter, Executions executions, Profile profile) {
    int c = profile.concurrency();
    LOG.info("S2: raw spawn rate on {} threads for {} s", c, profile.rawRateMs() / 1000);
    double raw = Spawner.rate(c, profile.rawRateMs());
    LOG.info("S2: {} spawns/s; warming up PULSE for {} s", Math.round(raw), profile.warmupMs() / 1000);
    load.closed(c, profile.warmupMs());
    Meter.Reading before = meter.read();
    Load.Result peak = load.closed(c, profile.peakMs());
    JsonObject cost = meter.read().since(before, peak.completed(), "execution");
    load.verifySome(peak, 20);
    LOG.info("S2 peak: {} completed/s, p50 {} ms, p99 {} ms", Stats.round(peak.perSecond()),
        Stats.round(peak.latency().p50()), Stats.round(peak.latency().p99()));
    double half = Math.max(1, peak.perSecond() / 2);
    before = meter.read();
    Load.Result atHalf = load.open(half, profile.halfMs());
    JsonObject halfCost = meter.read().since(before, atHalf.completed(), "execution");
    load.verifySome(atHalf, 20);
    LOG.info("S2 at {}/s: p50 {} ms, p99 {} ms", Stats.round(half), Stats.round(atHalf.latency().p50()),
        Stats.round(atHalf.latency().p99()));
    JsonArray lost = new JsonArray();
    java.util.stream.Stream.concat(peak.notCompleted().stream(), atHalf.notCompleted().stream()).limit(5)
        .forEach(id -> lost.add(executions.describe(id)));
    double ratio = peak.perSecond() / raw;
    JsonObject json = new JsonObject().put("concurrency", c).put("raw_spawns_per_s", Stats.round(raw))
        .put("peak", peak.toJson().put("cost", cost).put("slowest", load.slowest(peak, 3))).put("half_rate", atHalf.toJson().put("cost", halfCost).put("slowest", load.slowest(atHalf, 3)))
        .put("ratio_to_raw", Stats.round(ratio))
        .put("met_rate", ratio >= 0.5)
        .put("met_p99", atHalf.latency().p99() <= 50.0)
        .put("not_completed_examples", lost);
    return new Outcome(json, peak.perSecond());
  }
}
