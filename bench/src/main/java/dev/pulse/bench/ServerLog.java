package dev.pulse.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the server node logged during the run: warnings, errors, and executions its engine let go of. */
final class ServerLog {

  private ServerLog() {
  }

  static JsonObject summary(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return new JsonObject()
          .put("warn_lines", lines.stream().filter(line -> line.contains(" WARN ")).count())
          .put("error_lines", lines.stream().filter(line -> line.contains(" ERROR ")).count())
          // Runner.scan() dropping a driver whose row no longer reads as active (see the report's S2 notes)
          .put("executions_let_go", lines.stream().filter(line -> line.contains("is no longer owned by engine node"))
              .count());
    } catch (IOException e) {
      return new JsonObject().put("error", e.getMessage());
    }
  }
}
