package dev.pulse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the shipped systemd unit starts the worker agent ({@code deploy/systemd/pulse-worker.service}):
 * the JVM options of its {@code ExecStart} line before {@code $JAVA_OPTS}, and the variables of its
 * {@code Environment=} lines. S4 measures the agent started exactly so, read from the unit itself so
 * that the figure follows the file operators install.
 *
 * @param jvmOptions the options between {@code java} and {@code $JAVA_OPTS}
 * @param environment the unit's own variables (empty ones left out)
 */
record InstalledWorker(List<String> jvmOptions, Map<String, String> environment) {

  static InstalledWorker read(Path unit) {
    List<String> lines;
    try {
      lines = Files.readAllLines(unit);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the worker's unit " + unit, e);
    }
    List<String> options = null;
    Map<String, String> environment = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith("ExecStart=")) {
        List<String> words = Arrays.asList(line.substring("ExecStart=".length()).trim().split("\\s+"));
        int end = words.indexOf("$JAVA_OPTS");
        if (!words.get(0).endsWith("/java") || end < 0) {
          throw new IllegalStateException(unit + ": ExecStart is not 'java <options> $JAVA_OPTS -jar ...': " + line);
        }
        options = new ArrayList<>(words.subList(1, end));
      } else if (line.startsWith("Environment=")) {
        String assignment = line.substring("Environment=".length()).trim();
        int equals = assignment.indexOf('=');
        if (equals > 0 && equals < assignment.length() - 1) {
          environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
        }
      }
    }
    if (options == null) {
      throw new IllegalStateException(unit + " has no ExecStart line");
    }
    return new InstalledWorker(List.copyOf(options), Map.copyOf(environment));
  }
}
