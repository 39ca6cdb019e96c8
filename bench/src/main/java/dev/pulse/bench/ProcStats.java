package dev.pulse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from Linux's /proc. */
final class ProcStats {

  /** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux this runs on). */
  static final long CLK_TCK = clockTicks();

  private ProcStats() {
  }

  /** User plus system CPU time of {@code pid} in milliseconds (fields 14 and 15 of /proc/<pid>/stat). */
  static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1000 / CLK_TCK;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("Cannot read the CPU time of process " + pid + ": " + e.getMessage(), e);
    }
  }

  /**
   * CPU milliseconds of {@code pid}'s threads grouped by name (digits and trailing separators dropped,
   * so "vert.x-eventloop-thread-3" and "-1" add up), from /proc/<pid>/task/<tid>/stat.
   */
  static java.util.Map<String, Long> cpuMillisByThread(long pid) {
    java.util.Map<String, Long> groups = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
              .replaceAll("[0-9]+", "").replaceAll("[-#_ ]+$", "");
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          groups.merge(name, ticks * 1000 / CLK_TCK, Long::sum);
        } catch (IOException | RuntimeException gone) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException e) {
      return groups;
    }
    return groups;
  }

  /** Resident set size of {@code pid} in KiB (VmRSS of /proc/<pid>/status). */
  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      throw new IllegalStateException("no VmRSS line");
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("Cannot read the memory of process " + pid + ": " + e.getMessage(), e);
    }
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes()).trim();
      getconf.waitFor();
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
