package dev.pulse.worker.registry;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads this host's metrics for heartbeats. Blocking (reads /proc and the file system): call it off
 * the event loop. Values that cannot be read are left out rather than reported as zero.
 */
public final class SystemMetrics {

  private final String hostname;
  private final String os;

  /** Reads the facts that do not change (host name, OS) once. */
  public SystemMetrics() {
    this.hostname = readHostname();
    this.os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
        + System.getProperty("os.arch") + ")";
  }

  /**
   * The heartbeat metadata: cpu_percent, load_1/5/15, memory_total/used, disk_total/used (of /),
   * uptime_seconds, cpu_count, hostname, os, plus {@code extra} (task counts, version).
   */
  public JsonObject read(JsonObject extra) {
    JsonObject metrics = new JsonObject();
    cpu(metrics);
    load(metrics);
    memory(metrics);
    File root = new File("/");
    long diskTotal = root.getTotalSpace();
    if (diskTotal > 0) {
      metrics.put("disk_total", diskTotal).put("disk_used", diskTotal - root.getFreeSpace());
    }
    List<String> uptime = fields("/proc/uptime");
    if (!uptime.isEmpty()) {
      metrics.put("uptime_seconds", (long) Double.parseDouble(uptime.get(0)));
    }
    metrics.put("cpu_count", Runtime.getRuntime().availableProcessors()).put("hostname", hostname).put("os", os);
    return metrics.mergeIn(extra);
  }

  private static void cpu(JsonObject metrics) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean) {
      double load = bean.getCpuLoad();
      if (load >= 0) {
        metrics.put("cpu_percent", Math.round(load * 1000) / 10.0);
      }
    }
  }

  private static void load(JsonObject metrics) {
    List<String> load = fields("/proc/loadavg");
    if (load.size() >= 3) {
      metrics.put("load_1", Double.parseDouble(load.get(0))).put("load_5", Double.parseDouble(load.get(1)))
          .put("load_15", Double.parseDouble(load.get(2)));
    } else {
      double average = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      if (average >= 0) {
        metrics.put("load_1", average);
      }
    }
  }

  private static void memory(JsonObject metrics) {
    long total = -1;
    long available = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          total = kibibytes(line);
        } else if (line.startsWith("MemAvailable:")) {
          available = kibibytes(line);
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      // fall back to the JVM's view below
    }
    if ((total <= 0 || available < 0)
        && ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean) {
      total = bean.getTotalMemorySize();
      available = bean.getFreeMemorySize();
    }
    if (total > 0 && available >= 0) {
      metrics.put("memory_total", total).put("memory_used", total - available);
    }
  }

  private static long kibibytes(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
  }

  private static List<String> fields(String file) {
    try {
      return List.of(Files.readString(Path.of(file)).trim().split("\\s+"));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static String readHostname() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException notLinux) {
      // fall through
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
