package dev.pulse.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S4: what PULSE costs while nothing runs. The server node's CPU time and RSS over the idle window
 * with every worker connected and heartbeating at the default interval; and the RSS of one worker
 * JVM with one instance, started as an operator would ({@code java -jar pulse-worker.jar worker}, no
 * flags), after it has rested through the same window.
 */
final class IdleCost {

  private static final Logger LOG = LoggerFactory.getLogger(IdleCost.class);
  private static final long SETTLE_MS = 10_000;
  /** Flags a small host could run the agent with; measured beside the flagless one for comparison. */
  static final List<String> SMALL_HOST_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx64m", "-Xss512k",
      "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1");

  private IdleCost() {
  }

  static JsonObject run(Fleet fleet, Meter meter, Profile profile, boolean diagnose) {
    Map<String, String> env = fleet.clusterEnv();
    env.put("WORKER_API_KEY", fleet.workerKey);
    env.put("WORKER_NAME", "solo");
    env.put("DATA_DIR", fleet.plan.runDir().resolve("solo-data").toString());
    // --jfr also asks the JVM where the flagless worker's memory goes (Native Memory Tracking).
    Child solo = fleet.spawn("solo-worker", env, diagnose ? List.of("-XX:NativeMemoryTracking=summary") : List.of(),
        fleet.plan.workerJar(), "worker");
    Map<String, String> tunedEnv = fleet.clusterEnv();
    tunedEnv.putAll(env);
    tunedEnv.put("CLUSTER_PORT", fleet.clusterEnv().get("CLUSTER_PORT"));
    tunedEnv.put("WORKER_NAME", "solo-small");
    tunedEnv.put("DATA_DIR", fleet.plan.runDir().resolve("solo-small-data").toString());
    Child tuned = fleet.spawn("solo-small-worker", tunedEnv, SMALL_HOST_FLAGS, fleet.plan.workerJar(), "worker");
    Fleet.Await.until("the solo workers online", 120_000, () -> {
      solo.requireAlive();
      tuned.requireAlive();
      List<String> online = fleet.api.onlineWorkers().await();
      return online.contains("solo") && online.contains("solo-small") ? Boolean.TRUE : null;
    });
    LOG.info("S4: settling {} s, then {} s idle with {} workers connected", SETTLE_MS / 1000, profile.idleMs() / 1000,
        fleet.workerNames.size() + 2);
    Fleet.Await.sleep(SETTLE_MS);

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
    long tunedRssMax = 0;
    long deadline = began + profile.idleMs() * 1_000_000;
    while (System.nanoTime() < deadline) {
      serverRssMax = Math.max(serverRssMax, ProcStats.rssKib(serverPid));
      soloRssMax = Math.max(soloRssMax, ProcStats.rssKib(solo.pid()));
      tunedRssMax = Math.max(tunedRssMax, ProcStats.rssKib(tuned.pid()));
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
    tuned.stop(10_000);
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
        .put("small_host_worker_flags", String.join(" ", SMALL_HOST_FLAGS))
        .put("small_host_worker_rss_max_mib", Stats.round(tunedRssMax / 1024.0))
        .put("met_server_cpu", serverCpu < 1.0)
        .put("met_worker_rss", soloRssMax / 1024.0 < 128.0)
        .put("cost", cost);
  }
}
