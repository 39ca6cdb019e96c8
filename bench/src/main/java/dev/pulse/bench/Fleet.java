package dev.pulse.bench;

import dev.pulse.contracts.ConfigReader;
import dev.pulse.launcher.ClusterFactory;
import dev.pulse.storage.DbConfig;
import dev.pulse.storage.EmbeddedMariaDb;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PULSE as it runs in production, on 127.0.0.1: a real MariaDB (the embedded one, its own
 * process), one clustered server node ({@code java -jar pulse.jar server}) and worker JVMs
 * ({@code java -jar pulse-worker.jar worker --instances N}), joined by Hazelcast under a random
 * cluster name. The benchmark itself joins as a lite member to listen to execution events.
 */
final class Fleet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

  /** What to start. */
  record Plan(Path pulseJar, Path workerJar, Path runDir, int workerJvms, int instancesPerJvm) {
  }

  final Plan plan;
  final String cluster = "pulse-bench-" + UUID.randomUUID();
  final String workerKey = UUID.randomUUID().toString();
  final int httpPort = freePort();
  final int clusterPort = freePort();
  private final List<Child> children = new ArrayList<>();
  private EmbeddedMariaDb db;
  Child server;
  final List<Child> workerJvms = new ArrayList<>();
  final List<String> workerNames = new ArrayList<>();
  final Map<String, String> workerGroupOf = new HashMap<>();
  Vertx vertx;
  Api api;
  final Watch watch = new Watch();
  private boolean closed;

  private Fleet(Plan plan) {
    this.plan = plan;
  }

  static Fleet start(Plan plan) {
    Fleet fleet = new Fleet(plan);
    try {
      fleet.boot();
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  /** A meter over this fleet's processes and database. */
  Meter meter() {
    Map<String, Long> pids = new java.util.LinkedHashMap<>();
    pids.put("server", server.pid());
    workerJvms.forEach(jvm -> pids.put(jvm.name(), jvm.pid()));
    pids.put("mariadb", mariadbPid());
    pids.put("bench", ProcessHandle.current().pid());
    return new Meter(vertx, db.config(), pids);
  }

  /** Flight recordings of the server and worker JVMs per scenario, when {@code enabled}. */
  Profiler profiler(boolean enabled) {
    Map<String, Long> jvms = new java.util.LinkedHashMap<>();
    jvms.put("server", server.pid());
    workerJvms.forEach(jvm -> jvms.put(jvm.name(), jvm.pid()));
    return new Profiler(enabled, plan.runDir(), jvms);
  }

  long mariadbPid() {
    return ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").endsWith("mariadbd"))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }

  private void boot() {
    long began = System.nanoTime();
    db = EmbeddedMariaDb.start(plan.runDir().resolve("mariadb"), "pulse");
    server = spawn("server", serverEnv(db.config()), plan.pulseJar(), "server");
    Await.until("the server node to be ready (log " + server.log() + ")", 180_000, () -> {
      server.requireAlive();
      return server.logContains("server node ready") ? Boolean.TRUE : null;
    });
    char letter = 'a';
    for (int j = 0; j < plan.workerJvms(); j++, letter++) {
      String base = "w" + letter;
      String group = "bench-" + letter;
      Map<String, String> env = clusterEnv();
      env.put("WORKER_API_KEY", workerKey);
      env.put("WORKER_NAME", base);
      env.put("WORKER_GROUPS", "bench," + group);
      env.put("DATA_DIR", plan.runDir().resolve("workers-" + letter).toString());
      Child jvm = spawn("workers-" + letter, env, plan.workerJar(), "worker", "--instances",
          Integer.toString(plan.instancesPerJvm()));
      workerJvms.add(jvm);
      for (int i = 1; i <= plan.instancesPerJvm(); i++) {
        String name = plan.instancesPerJvm() == 1 ? base : base + "-" + i;
        workerNames.add(name);
        workerGroupOf.put(name, group);
      }
    }
    Map<String, String> self = clusterEnv();
    self.put("CLUSTER_PORT", Integer.toString(freePort()));
    vertx = ClusterFactory.join(new ConfigReader(new JsonObject(new HashMap<>(self))), true);
    watch.start(vertx).await();
    api = new Api(vertx, httpPort, 64);
    Await.until("/health 200", 60_000, () -> api.health().await() == 200 ? Boolean.TRUE : null);
    Set<String> expected = new HashSet<>(workerNames);
    Await.until(expected.size() + " workers online", 300_000, () -> {
      workerJvms.forEach(Child::requireAlive);
      List<String> online = api.onlineWorkers().await();
      return online.containsAll(expected) ? Boolean.TRUE : null;
    });
    LOG.info("PULSE is up in {} s: server pid {}, {} worker JVM(s) with {} workers, MariaDB pid {}",
        (System.nanoTime() - began) / 1_000_000_000, server.pid(), workerJvms.size(), workerNames.size(), mariadbPid());
  }

  /** A JVM running {@code jar} with the given environment, as an operator would start it. */
  Child spawn(String name, Map<String, String> env, Path jar, String... args) {
    return spawn(name, env, List.of(), jar, args);
  }

  /** The same with JVM options before {@code -jar}. */
  Child spawn(String name, Map<String, String> env, List<String> jvmOptions, Path jar, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Path dir = plan.runDir().resolve(name);
    Child child = Child.start(name, command, dir, env, plan.runDir().resolve(name + ".log"));
    children.add(child);
    return child;
  }

  /** A process that is not a PULSE JVM (a Node client), stopped with the rest. */
  Child spawnPlain(String name, List<String> command, Path dir) {
    Child child = Child.start(name, command, dir, Map.of(), plan.runDir().resolve(name + ".log"));
    children.add(child);
    return child;
  }

  Map<String, String> clusterEnv() {
    Map<String, String> env = new HashMap<>();
    // Servers that sign their dispatches give workers the public half of the key (DATA_DIR/secrets).
    Path dispatchKey = plan.runDir().resolve("server-data/secrets/dispatch-ed25519.pub");
    if (java.nio.file.Files.exists(dispatchKey)) {
      env.put("DISPATCH_PUBLIC_KEY_FILE", dispatchKey.toString());
    }
    env.put("CLUSTER_NAME", cluster);
    // --cluster-config FILE: every node reads this Hazelcast XML instead of the bundled one (experiments)
    String clusterConfig = System.getProperty("pulse.bench.clusterConfig");
    if (clusterConfig != null) {
      env.put("CLUSTER_CONFIG", clusterConfig);
    }
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_PORT", Integer.toString(freePort()));
    env.put("CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort);
    env.put("EVENTBUS_HOST", "127.0.0.1");
    env.put("EVENTBUS_PORT", "0");
    return env;
  }

  private Map<String, String> serverEnv(DbConfig dbConfig) {
    Map<String, String> env = clusterEnv();
    env.put("CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("PORT", Integer.toString(httpPort));
    env.put("HOST", "127.0.0.1");
    env.put("DB_HOST", dbConfig.host());
    env.put("DB_PORT", Integer.toString(dbConfig.port()));
    env.put("DB_NAME", dbConfig.database());
    env.put("DB_USER", dbConfig.user());
    env.put("DB_PASSWORD", dbConfig.password());
    env.put("DATA_DIR", plan.runDir().resolve("server-data").toString());
    env.put("WORKER_API_KEY", workerKey);
    // The per-user limit (1200/min) guards a shared server from one user; here that user is the load.
    env.put("RATE_LIMIT_PER_MINUTE", "1000000");
    return env;
  }

  /** Targets naming {@code n} workers, spread evenly over the worker JVMs. */
  List<String> spread(int n) {
    int jvms = workerJvms.size();
    int per = plan.instancesPerJvm();
    List<String> names = new ArrayList<>();
    for (int i = 0; names.size() < n && i < per; i++) {
      for (int j = 0; j < jvms && names.size() < n; j++) {
        names.add(workerNames.get(j * per + i));
      }
    }
    return names;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (vertx != null) {
      try {
        watch.stop().await();
        vertx.close().await();
      } catch (RuntimeException e) {
        LOG.warn("The benchmark's cluster member did not close cleanly: {}", e.toString());
      }
    }
    for (int i = children.size() - 1; i >= 0; i--) {
      children.get(i).stop(15_000);
    }
    if (db != null) {
      db.close();
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polling with a bound in time. */
  static final class Await {
    private Await() {
    }

    static <T> T until(String what, long millis, Supplier<T> probe) {
      long deadline = System.currentTimeMillis() + millis;
      RuntimeException last = null;
      while (System.currentTimeMillis() < deadline) {
        try {
          T value = probe.get();
          if (value != null) {
            return value;
          }
        } catch (Child.Died e) {
          throw e;
        } catch (RuntimeException e) {
          last = e;
        }
        sleep(250);
      }
      throw new IllegalStateException("Timed out after " + millis / 1000 + " s waiting for " + what
          + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
    }

    static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
