package dev.pulse.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PULSE benchmark (issue 7): starts PULSE for real, runs S1–S6 against it through the public
 * API, measures each scenario's raw machine limit in the same run, prints a table and writes
 * {@code bench/target/results.json}. Started by {@code bench/run.sh [--quick] [--jfr] [--only s1,s3]}.
 */
public final class Bench {

  private static final Logger LOG = LoggerFactory.getLogger(Bench.class);

  private Bench() {
  }

  public static void main(String[] args) throws IOException {
    List<String> list = Arrays.asList(args);
    Profile profile = list.contains("--quick") ? Profile.quick() : Profile.full();
    boolean jfr = list.contains("--jfr");
    Set<String> only = new HashSet<>(List.of("s1", "s2", "s3", "s4", "s5", "s6"));
    int at = list.indexOf("--only");
    if (at >= 0 && at + 1 < list.size()) {
      only = new HashSet<>(Arrays.asList(list.get(at + 1).toLowerCase().split(",")));
    }
    Path benchDir = Path.of(System.getProperty("pulse.bench.dir", "bench")).toAbsolutePath().normalize();
    Path target = benchDir.resolve("target");
    Path runDir = target.resolve("run");
    deleteTree(runDir);
    Files.createDirectories(runDir);
    Fleet.Plan plan = new Fleet.Plan(Path.of(System.getProperty("pulse.bench.jar")),
        Path.of(System.getProperty("pulse.bench.workerJar")), runDir, 2, 100);

    JsonObject results = new JsonObject().put("profile", profile.name())
        .put("started_at", Instant.now().toString()).put("machine", Machine.describe(benchDir.getParent()))
        .put("command", "bench/run.sh " + String.join(" ", args)).put("jfr", jfr)
        .put("pulse_jar", new JsonObject().put("built_at", Files.getLastModifiedTime(plan.pulseJar()).toString())
            .put("bytes", Files.size(plan.pulseJar())));
    long began = System.nanoTime();
    Fleet fleet = Fleet.start(plan);
    Runtime.getRuntime().addShutdownHook(new Thread(fleet::close, "bench-shutdown"));
    try {
      results.put("setup", new JsonObject().put("server_pid", fleet.server.pid())
          .put("worker_jvms", plan.workerJvms()).put("workers_per_jvm", plan.instancesPerJvm())
          .put("workers", fleet.workerNames.size()).put("seconds_to_start", (System.nanoTime() - began) / 1_000_000_000));
      Executions executions = new Executions(fleet.api, fleet.watch);
      Meter meter = fleet.meter();
      executions.diagnoseWith(meter);
      Profiler profiler = fleet.profiler(jfr);
      serverPid = fleet.server.pid();
      Load shared = new Load(fleet.vertx, executions, Throughput.workflows(fleet));
      results.put("preheat", scenario("Preheat", Profiler.OFF,
          () -> Preheat.run(fleet, meter, executions, shared, profile)));
      if (only.contains("s1")) {
        results.put("s1", scenario("S1", profiler, () -> FanOut.run(fleet, meter, executions, profile)));
      }
      if (only.contains("s3")) {
        results.put("s3", scenario("S3", profiler, () -> LongWorkflow.run(fleet, meter, executions, profile)));
      }
      double[] peak = {Double.NaN};
      if (only.contains("s2")) {
        results.put("s2", scenario("S2", profiler, () -> {
          Throughput.Outcome outcome = Throughput.run(shared, meter, executions, profile);
          peak[0] = outcome.peakPerSecond();
          return outcome.json();
        }));
      }
      // S4 before S5: the idle figures should not carry the heap that 500 dashboards grow
      if (only.contains("s4")) {
        results.put("s4", scenario("S4", profiler, () -> IdleCost.run(fleet, meter, profile, jfr,
            benchDir.getParent().resolve("deploy/systemd/pulse-worker.service"))));
      }
      if (only.contains("s5")) {
        // BENCH_S5_RATE fixes the load instead, so that two revisions can be compared at one rate.
        String fixed = System.getenv("BENCH_S5_RATE");
        double rate = fixed != null ? Double.parseDouble(fixed) : Double.isNaN(peak[0]) ? 20 : Math.max(1, peak[0] / 2);
        results.put("s5", scenario("S5", profiler, () -> Dashboards.run(fleet, meter, shared, rate, profile, benchDir)));
      }
      if (only.contains("s6")) {
        results.put("s6", scenario("S6", profiler, () -> ChattyDashboard.run(fleet, executions, profile, jfr)));
      }
    } finally {
      results.put("load_average_at_end", Machine.loadAverage());
      results.put("seconds", (System.nanoTime() - began) / 1_000_000_000);
      fleet.close();
    }
    results.put("server_log", ServerLog.summary(runDir.resolve("server.log")));
    Path json = target.resolve("results.json");
    Files.writeString(json, results.encodePrettily());
    String table = Report.table(results);
    System.out.println();
    System.out.println("PULSE benchmark (" + profile.name() + "), " + Machine.oneLine(results.getJsonObject("machine")));
    System.out.println();
    System.out.print(table);
    System.out.println();
    System.out.println("Results: " + json + "   Logs: " + runDir);
  }

  private static long serverPid = -1;

  private static JsonObject scenario(String name, Profiler profiler, Supplier<JsonObject> body) {
    long began = System.nanoTime();
    LOG.info("{} begins (load average {})", name, Machine.loadAverage());
    profiler.start(name.toLowerCase());
    try {
      JsonObject result = body.get();
      return result.put("seconds", (System.nanoTime() - began) / 1_000_000_000)
          .put("server_rss_mib_after", Stats.round(ProcStats.rssKib(serverPid) / 1024.0));
    } catch (Exception e) {  // Future.await() may rethrow a checked exception (a timeout) unwrapped
      LOG.error("{} failed: {}", name, e.toString(), e);
      return new JsonObject().put("error", e.toString());
    } finally {
      profiler.stop(name.toLowerCase());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
