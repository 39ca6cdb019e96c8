package dev.pulse.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --jfr}: a Flight Recording (settings=profile) of the server and worker JVMs during each
 * scenario, started and stopped with {@code jcmd}, written to {@code bench/target/run/<scenario>-<jvm>.jfr}.
 * Read them with {@code bench/jfr-top.sh FILE} or JDK Mission Control.
 */
final class Profiler {

  private static final Logger LOG = LoggerFactory.getLogger(Profiler.class);

  /** Records nothing. */
  static final Profiler OFF = new Profiler(false, null, java.util.Map.of());

  private final boolean enabled;
  private final Path dir;
  private final Map<String, Long> jvms;

  Profiler(boolean enabled, Path dir, Map<String, Long> jvms) {
    this.enabled = enabled;
    this.dir = dir;
    this.jvms = jvms;
  }

  void start(String scenario) {
    jvms.forEach((name, pid) -> jcmd(pid, "JFR.start", "name=" + scenario, "settings=profile"));
  }

  void stop(String scenario) {
    jvms.forEach((name, pid) -> jcmd(pid, "JFR.stop", "name=" + scenario,
        "filename=" + dir.resolve(scenario + "-" + name + ".jfr")));
  }

  /** Runs {@code jcmd pid args} and writes what it printed to {@code file}. */
  static void jcmdTo(long pid, Path file, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid)));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(file.toFile()).start();
      process.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      LOG.warn("jcmd {} failed: {}", pid, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void jcmd(long pid, String... args) {
    if (!enabled) {
      return;
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid)));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        LOG.warn("jcmd {} {} failed: {}", pid, String.join(" ", args), out.trim());
      }
    } catch (IOException e) {
      LOG.warn("jcmd {} failed: {}", pid, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
