package dev.pulse.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S4: what PULSE costs while nothing runs. The server node's CPU time and RSS over the idle window
 * with every worker connected and heartbeating at the default interval; and the RSS of one worker
 * JVM with one instance after it has rested through the same window, started as the shipped
 * systemd unit starts it (its JVM options and environment, read from the unit), and beside it,
 * for comparison, started with no options at all ({@code java -jar pulse-worker.jar worker}).
 */
final class IdleCost {

  private static final Logger LOG = LoggerFactory.getLogger(IdleCost.class);

  private IdleCost() {
  }

  /** The settings of a one-instance worker JVM named {@code name}, with its own cluster port and state. */
  private static Map<String, String> soloEnv(Fleet fleet, String name) {
    Map<String, String> env = fleet.clusterEnv();
    env.put("WORKER_API_KEY", fleet.workerKey);
    env.put("WORKER_NAME", name);
    env.put("DATA_DIR", fleet.plan.runDir().resolve(name + "-data").toString());
    return env;
  }

  static JsonObject run(Fleet fleet, Meter meter, Profile profile, boolean diagnose, Path unit) {
    InstalledWorker installed = InstalledWorker.read(unit);
    Map<String, String> env = soloEnv(fleet, "solo");
    env.putAll(installed.environment());
    List<String> options = new ArrayList<>(installed.jvmOptions());
    // --jfr also asks the JVM where the agent's memory goes (Native Memory Tracking; it adds a few MiB).
    if (diagnose) {
      options.add("-XX:NativeMemoryTracking=summary");
    }
    Child solo = fleet.spawn("solo-worker", env, options, fleet.plan.workerJar(), "worker");
    Child plain = fleet.spawn("solo-plain-worker", soloEnv(fleet, "solo-plain"), List.of(), fleet.plan.workerJar(),
        "worker");
    Fleet.Await.until("the solo workers online", 120_000, () -> {
      solo.requireAlive();
      plain.requireAlive();
      List<String> online = fleet.api.onlineWorkers().await();
      return online.contains("solo") && online.contains("solo-plain") ? Boolean.TRUE : null;
    });
    LOG.info("S4: settling {} s, then {} s idle with {} workers connected", profile.settleMs() / 1000,
        profile.idleMs() / 1000, fleet.workerNames.size() + 2);
    Fleet.Await.sleep(profile.settleMs());

    Meter.Reading before = meter.read();
    long serverPid = fleet.server.pid();
    long dbPid = fleet.mariadbPid();
    List<Long> workerPids = fleet.workerJvms.stream().map(Child::pid).toList();
    long began = System.nanoTime();
    long serverCpu0 = ProcStats.cpuMillis(serverPid);
    long dbCpu0 = dbPid > 0 ? ProcStats.cpuMillis(dbPid) : 0;
    long workersCpu0 = workerPids.stream().mapToLong(ProcStats::cpuMillis).sum();
    long soloCpu0 = ProcStats.cpuMillis(solo.pid());
    long serverRssMax = 0;
    long soloRssMax = 0;
    long plainRssMax = 0;
    long deadline = began + profile.idleMs() * 1_000_000;
    while (System.nanoTime() < deadline) {
      serverRssMax = Math.max(serverRssMax, ProcStats.rssKib(serverPid));
      soloRssMax = Math.max(soloRssMax, ProcStats.rssKib(solo.pid()));
      plainRssMax = Math.max(plainRssMax, ProcStats.rssKib(plain.pid()));
      Fleet.Await.sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    JsonObject cost = meter.read().since(before, seconds, "second");
    double serverCpu = (ProcStats.cpuMillis(serverPid) - serverCpu0) / 10.0 / seconds;
    double dbCpu = dbPid > 0 ? (ProcStats.cpuMillis(dbPid) - dbCpu0) / 10.0 / seconds : Double.NaN;
    double workersCpu = (workerPids.stream().mapToLong(ProcStats::cpuMillis).sum() - workersCpu0) / 10.0 / seconds;
    double soloCpu = (ProcStats.cpuMillis(solo.pid()) - soloCpu0) / 10.0 / seconds;
    long serverRss = ProcStats.rssKib(serverPid);
    long soloRss = ProcStats.rssKib(solo.pid());
    if (diagnose) {
      Profiler.jcmdTo(solo.pid(), fleet.plan.runDir().resolve("solo-worker-memory.txt"), "VM.native_memory", "summary");
      Profiler.jcmdTo(fleet.server.pid(), fleet.plan.runDir().resolve("server-heap.txt"), "GC.heap_info");
    }
    solo.stop(10_000);
    plain.stop(10_000);
    LOG.info("S4: server {}% of a core, RSS {} MiB; solo worker RSS {} MiB", Stats.round(serverCpu),
        serverRss / 1024, soloRss / 1024);
    return new JsonObject().put("idle_seconds", Stats.round(seconds))
        .put("workers_connected", fleet.workerNames.size() + 2)
        .put("server_cpu_percent_of_one_core", Stats.round(serverCpu))
        .put("server_rss_mib", Stats.round(serverRss / 1024.0))
        .put("server_rss_max_mib", Stats.round(serverRssMax / 1024.0))
        .put("mariadb_cpu_percent_of_one_core", Stats.round(dbCpu))
        .put("worker_jvms_cpu_percent_of_one_core", Stats.round(workersCpu))
        .put("worker_jvm_instances", fleet.plan.instancesPerJvm())
        .put("solo_worker_rss_mib", Stats.round(soloRss / 1024.0))
        .put("solo_worker_rss_max_mib", Stats.round(soloRssMax / 1024.0))
        .put("solo_worker_cpu_percent_of_one_core", Stats.round(soloCpu))
        .put("solo_worker_jvm_options", String.join(" ", installed.jvmOptions()))
        .put("solo_worker_environment", new JsonObject(new java.util.TreeMap<>(installed.environment())))
        .put("plain_worker_rss_max_mib", Stats.round(plainRssMax / 1024.0))
        .put("met_server_cpu", serverCpu < 1.0)
        .put("met_worker_rss", soloRssMax / 1024.0 < 128.0)
        .put("cost", cost);
  }
}
