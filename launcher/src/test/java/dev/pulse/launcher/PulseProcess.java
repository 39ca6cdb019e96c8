package dev.pulse.launcher;

import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.vertx.core.json.JsonObject;

/**
 * PULSE as a separate JVM (the test classpath, the real {@link Main}), for tests that signal,
 * kill or restart a process the way an operator or a crash would.
 */
final class PulseProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private PulseProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code Main <args>} with the given environment; output goes to {@code log}. */
  static PulseProcess start(Path workDir, Path log, Map<String, String> env, String... args) {
    return start(List.of(), workDir, log, env, args);
  }

  /** {@link #start(Path, Path, Map, String...)} with extra JVM options, such as {@code -Dname=value}. */
  static PulseProcess start(Path workDir, Path log, Map<String, String> env, List<String> jvmOptions,
      String... args) {
    return start(List.of(), jvmOptions, workDir, log, env, args);
  }

  /**
   * Starts {@code Main <args>} behind a wrapper command (such as {@code ip netns exec NAME}, which
   * replaces itself with the JVM, so the process is still the JVM).
   */
  static PulseProcess start(List<String> wrapper, Path workDir, Path log, Map<String, String> env, String... args) {
    return start(wrapper, List.of(), workDir, log, env, args);
  }

  private static PulseProcess start(List<String> wrapper, List<String> jvmOptions, Path workDir, Path log,
      Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        // what pulse.jar's manifest grants Hazelcast
        "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pulse.launcher.Main"));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(workDir);
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new PulseProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A worker node in its own JVM joining the cluster of {@code server} (a server node's merged
   * settings: cluster name, enrolment key and dispatch public key are taken from them).
   *
   * @param extra more settings for the workers (MAX_CONCURRENT_TASKS, WORKER_GROUPS, ...)
   */
  static PulseProcess workerNode(Path dir, JsonObject server, String name, int instances, Map<String, String> extra) {
    return workerNode(List.of(), dir, server, name, instances, extra);
  }

  /**
   * What a worker node named {@code name} needs to join the cluster of {@code server} (an in-process
   * node's merged settings), with {@code dir} as its DATA_DIR.
   */
  static Map<String, String> workerSettings(Path dir, JsonObject server, String name) {
    return Map.of("CLUSTER_NAME", server.getString("CLUSTER_NAME"),
        "CLUSTER_HOST", "127.0.0.1", "CLUSTER_MEMBERS", "127.0.0.1", "EVENTBUS_HOST", "127.0.0.1",
        "WORKER_API_KEY", server.getString("WORKER_API_KEY"),
        "HEARTBEAT_INTERVAL", String.valueOf(server.getValue("HEARTBEAT_INTERVAL")),
        "WORKER_NAME", name, "DATA_DIR", dir.toString(),
        "DISPATCH_PUBLIC_KEY", server.getString("DISPATCH_PUBLIC_KEY"));
  }

  /** {@link #workerNode(Path, JsonObject, String, int, Map)} started behind {@code wrapper}. */
  static PulseProcess workerNode(List<String> wrapper, Path dir, JsonObject server, String name, int instances,
      Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(workerSettings(dir, server, name));
    env.putAll(extra);
    return start(wrapper, dir, dir.resolveSibling(dir.getFileName() + "-workers.log"), env,
        "worker", "--instances", String.valueOf(instances));
  }

  /**
   * A server node with {@code roles} (comma-separated) in its own JVM, joining the cluster and the
   * database of {@code server} (an in-process node's merged settings: cluster name, database,
   * enrolment and dispatch keys are taken from them). Its DATA_DIR is {@code dir}.
   *
   * @param extra more settings (PORT for the API role, ...)
   */
  static PulseProcess serverNode(Path dir, Path log, JsonObject server, String roles, Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>();
    // Every server node holds the cluster's dispatch key pair: engines and registries sign with it,
    // API nodes derive their bus grants from it.
    List<String> keys = List.of("CLUSTER_NAME", "WORKER_API_KEY", "HEARTBEAT_INTERVAL",
        "OFFLINE_AFTER_MISSED", "BUS_TIMEOUT_MS", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD",
        "SECRET_KEY", "DISPATCH_PRIVATE_KEY", "DISPATCH_PUBLIC_KEY");
    for (String key : keys) {
      Object value = server.getValue(key);
      if (value != null) {
        env.put(key, String.valueOf(value));
      }
    }
    env.putAll(Map.of("CLUSTER_HOST", "127.0.0.1", "CLUSTER_MEMBERS", "127.0.0.1", "EVENTBUS_HOST", "127.0.0.1",
        "HOST", "127.0.0.1", "DATA_DIR", dir.toString()));
    env.putAll(extra);
    return start(dir, log, env, "server", "--roles", roles);
  }

  /**
   * Waits for a line of the log matching {@code pattern} and yields its first group; fails at
   * once if the process exits first.
   */
  String awaitLog(java.util.regex.Pattern pattern, Duration limit) {
    return Await.until(limit, "'" + pattern + "' in " + log, () -> {
      java.util.regex.Matcher matcher = pattern.matcher(log());
      if (matcher.find()) {
        return matcher.groupCount() > 0 ? matcher.group(1) : matcher.group();
      }
      if (!process.isAlive()) {
        throw new AssertionError("PULSE exited with " + process.exitValue() + ": " + log());
      }
      return null;
    });
  }

  /** Waits until {@code GET /health} on the port answers 200. */
  void awaitHealthy(int port, Duration limit) {
    try (Http http = new Http(port)) {
      Await.until(limit, "PULSE on port " + port + " to be healthy (log: " + log + ")", () -> {
        if (!process.isAlive()) {
          throw new AssertionError("PULSE exited with " + process.exitValue() + ": " + log());
        }
        return http.get("/health").status() == 200 ? Boolean.TRUE : null;
      });
    }
  }

  Process process() {
    return process;
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TCP port free at the moment of asking. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills it outright if still running (kill -9). */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
