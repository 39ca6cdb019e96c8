package dev.pulse.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the figures came from: the machine, the software and the code's revision. */
final class Machine {

  private Machine() {
  }

  static JsonObject describe(Path repository) {
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("memory_gib", Stats.round(memTotalKib() / 1024.0 / 1024.0))
        .put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"))
        .put("os", firstValue(Path.of("/etc/os-release"), "PRETTY_NAME"))
        .put("java", System.getProperty("java.runtime.version"))
        .put("node", run(repository, "node", "--version"))
        .put("revision", run(repository, "git", "rev-parse", "--short", "HEAD"))
        .put("uncommitted_files", run(repository, "git", "status", "--porcelain").lines().count())
        .put("load_average_at_start", loadAverage());
  }

  static String oneLine(JsonObject machine) {
    return machine.getInteger("cores") + " cores, " + machine.getDouble("memory_gib") + " GiB, "
        + machine.getString("cpu") + ", " + machine.getString("os") + ", Java " + machine.getString("java")
        + ", revision " + machine.getString("revision")
        + (machine.getLong("uncommitted_files") > 0 ? " (+" + machine.getLong("uncommitted_files") + " uncommitted files)" : "")
        + ", load average at start " + machine.getString("load_average_at_start");
  }

  /** The 1, 5 and 15 minute load averages: other work on the machine shows here. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static long memTotalKib() {
    String value = firstValue(Path.of("/proc/meminfo"), "MemTotal");
    return value == null ? 0 : Long.parseLong(value.replaceAll("[^0-9]", ""));
  }

  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        int split = line.indexOf(line.contains("=") && !line.contains(":") ? '=' : ':');
        if (split > 0 && line.substring(0, split).trim().equals(key)) {
          return line.substring(split + 1).trim().replace("\"", "");
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private static String run(Path dir, String... command) {
    try {
      Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      process.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
