package dev.pulse.bench;

import dev.pulse.contracts.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S5: {@code clients} dashboard clients (Node, {@code @vertx/eventbus-bridge-client.js} over
 * SockJS's WebSocket transport, see bench/dashboards.js) subscribed to the execution events while
 * S2's half-rate load runs again. Each event's delay is its arrival at a client minus its arrival
 * at the benchmark's own cluster listener (a plain event-bus consumer in another JVM), so it is the
 * cost of the bridge and the fan-out to the browsers.
 */
final class Dashboards {

  private static final Logger LOG = LoggerFactory.getLogger(Dashboards.class);

  private Dashboards() {
  }

  static JsonObject run(Fleet fleet, Meter meter, Load load, double ratePerSecond, Profile profile, Path benchDir) {
    int processes = profile.dashboardProcesses();
    int perProcess = profile.dashboardClients() / processes;
    List<Child> nodes = new ArrayList<>();
    try {
      for (int p = 0; p < processes; p++) {
        nodes.add(fleet.spawnPlain("dashboards-" + (p + 1), List.of("node", benchDir.resolve("dashboards.js").toString(),
            Integer.toString(fleet.httpPort), Integer.toString(perProcess), Addresses.EVENT_EXECUTION), benchDir));
      }
      Fleet.Await.until(processes * perProcess + " dashboard clients connected", 120_000, () -> {
        nodes.forEach(Child::requireAlive);
        return nodes.stream().allMatch(node -> node.logContains("ready ")) ? Boolean.TRUE : null;
      });
      // Registrations reach the bridge's consumers (and the cluster's subscription map) asynchronously.
      Fleet.Await.sleep(3000);
      // The preheat opens no dashboard, so the bridge's path (framing, WebSocket writes) is still
      // cold here: a server in service with dashboards open has long compiled it. Without this
      // warm-up, the first 5 s held the whole tail (a fifth of their deliveries over 100 ms, none after).
      long warmUpMs = Math.min(10_000, profile.dashboardMs() / 3);
      LOG.info("S5: {} clients connected; warming the bridge up for {} s at {}/s", processes * perProcess,
          warmUpMs / 1000, Stats.round(ratePerSecond));
      load.open(ratePerSecond, warmUpMs);
      Fleet.Await.sleep(3000);
      nodes.forEach(node -> node.send("reset"));
      Fleet.Await.sleep(500);
      fleet.watch.recordReference();
      Meter.Reading before = meter.read();
      long clientsBefore = nodes.stream().mapToLong(node -> ProcStats.cpuMillis(node.pid())).sum();
      long start = System.nanoTime();
      Load.Result result = load.open(ratePerSecond, profile.dashboardMs());
      JsonObject cost = meter.read().since(before, result.completed(), "execution");
      // The clients share the machine with PULSE: what they spend is CPU the server cannot have.
      long clientsMs = nodes.stream().mapToLong(node -> ProcStats.cpuMillis(node.pid())).sum() - clientsBefore;
      double seconds = (System.nanoTime() - start) / 1e9;
      cost.getJsonObject("cpu").put("dashboard clients", new JsonObject()
          .put("percent_of_one_core", Stats.round(clientsMs / 10.0 / seconds)));
      Fleet.Await.sleep(3000);
      int duplicates = fleet.watch.referenceDuplicates();
      Map<String, Double> reference = fleet.watch.takeReference();
      Path refFile = fleet.plan.runDir().resolve("s5-reference.json");
      write(refFile, new JsonObject(new java.util.LinkedHashMap<>(reference)).encode());
      List<Path> outputs = new ArrayList<>();
      for (Child node : nodes) {
        Path out = fleet.plan.runDir().resolve(node.name() + "-report.json");
        outputs.add(out);
        node.send("report " + refFile + " " + out);
      }
      Fleet.Await.until("the dashboard clients' reports", 120_000, () -> {
        nodes.forEach(Child::requireAlive);
        return nodes.stream().allMatch(node -> node.logContains("reported")) ? Boolean.TRUE : null;
      });
      return summarise(outputs, reference.size(), result, ratePerSecond, profile).put("cost", cost)
          .put("slowest", load.slowest(result, 3))
          .put("duplicates_at_reference", duplicates)
          .put("duplicate_examples", new io.vertx.core.json.JsonArray(fleet.watch.duplicateExamples()));
    } finally {
      // "quit" closes each client's socket the way a browser tab does, before the process goes
      nodes.forEach(node -> {
        try {
          node.send("quit");
        } catch (RuntimeException gone) {
          // already exited
        }
      });
      Fleet.Await.sleep(1500);
      nodes.forEach(node -> node.stop(5000));
    }
  }

  private static JsonObject summarise(List<Path> outputs, int events, Load.Result load, double rate, Profile profile) {
    TreeMap<Long, Long> histogram = new TreeMap<>();
    long open = 0;
    long failed = 0;
    long expected = 0;
    long matched = 0;
    long unmatched = 0;
    long duplicates = 0;
    double lagP99 = 0;
    double lagMax = 0;
    TreeMap<Long, long[]> slices = new TreeMap<>();
    for (Path output : outputs) {
      JsonObject report = new JsonObject(read(output));
      open += report.getLong("open");
      failed += report.getLong("failed");
      expected += report.getLong("expected");
      matched += report.getLong("matched");
      unmatched += report.getLong("unmatched");
      duplicates += report.getLong("duplicates");
      lagP99 = Math.max(lagP99, report.getDouble("event_loop_lag_p99_ms"));
      lagMax = Math.max(lagMax, report.getDouble("event_loop_lag_max_ms"));
      report.getJsonObject("histogram").forEach(bucket -> histogram.merge(Long.parseLong(bucket.getKey()),
          ((Number) bucket.getValue()).longValue(), Long::sum));
      report.getJsonObject("slices", new JsonObject()).forEach(slice -> {
        JsonArray counts = (JsonArray) slice.getValue();
        long[] sum = slices.computeIfAbsent(Long.parseLong(slice.getKey()), second -> new long[2]);
        sum[0] += counts.getLong(0);
        sum[1] += counts.getLong(1);
      });
    }
    JsonObject late = new JsonObject();
    slices.forEach((second, counts) -> late.put(second + "s", Stats.round(100.0 * counts[1] / counts[0])));
    double p50 = percentile(histogram, matched, 50);
    double p99 = percentile(histogram, matched, 99);
    double max = histogram.isEmpty() ? Double.NaN : histogram.lastKey() + 1;
    long missing = expected - (matched - duplicates);
    LOG.info("S5: {} clients, {} events, delay p50 {} ms p99 {} ms, {} of {} deliveries missing", open, events,
        p50, p99, missing, expected);
    return new JsonObject().put("clients", profile.dashboardClients()).put("clients_open", open)
        .put("clients_failed", failed).put("node_processes", outputs.size())
        .put("events_published", events).put("deliveries_expected", expected).put("deliveries_matched", matched)
        .put("deliveries_missing", missing).put("unmatched", unmatched).put("duplicates", duplicates)
        .put("delay_p50_ms", p50).put("delay_p99_ms", p99).put("delay_max_ms", max)
        .put("percent_later_than_100_ms_by_5_s", late)
        .put("resolution_ms", 1)
        .put("client_event_loop_lag_p99_ms", Stats.round(lagP99))
        .put("client_event_loop_lag_max_ms", Stats.round(lagMax))
        .put("load_rate_per_s", Stats.round(rate)).put("load", load.toJson())
        .put("met", p99 <= 100.0 && missing == 0);
  }

  /** The upper edge of the 1 ms bucket holding the {@code p}th percentile. */
  static double percentile(TreeMap<Long, Long> histogram, long total, double p) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(p / 100.0 * total);
    long seen = 0;
    for (Map.Entry<Long, Long> bucket : histogram.entrySet()) {
      seen += bucket.getValue();
      if (seen >= rank) {
        return bucket.getKey() + 1;
      }
    }
    return histogram.lastKey() + 1;
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
