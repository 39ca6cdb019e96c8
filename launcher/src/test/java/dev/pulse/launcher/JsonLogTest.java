package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LOG_FORMAT=json end to end: PULSE in dev mode with the shipped logback.xml runs one execution;
 * every output line is a JSON object, and the lines about the execution or the worker carry its
 * id as a field, not only inside the message.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JsonLogTest {

  @Test
  void everyLineIsJsonAndExecutionAndWorkerLinesCarryTheirIds() throws Exception {
    Path dir = TestDatabase.dataDir().resolve("jsonlog-" + UUID.randomUUID());
    Path log = dir.resolveSibling(dir.getFileName() + ".log");
    int port = PulseProcess.freePort();
    // The test classpath holds the testkit's logback-test.xml, which logback would prefer.
    URL shipped = JsonLogTest.class.getResource("/logback.xml");
    assertNotNull(shipped, "config/logback.xml is on the classpath");
    String executionId;
    String workflowId;
    String workerId;
    try (PulseProcess pulse = PulseProcess.start(dir, log,
        Map.of("PORT", String.valueOf(port), "DATA_DIR", dir.resolve("data").toString(), "LOG_FORMAT", "json",
            "HEARTBEAT_INTERVAL", "1"),
        List.of("-Dlogback.configurationFile=" + shipped), "dev");
        Http http = new Http(port)) {
      pulse.awaitHealthy(port, Duration.ofSeconds(60));
      ApiDriver api = new ApiDriver(http);
      workerId = Await.until(Duration.ofSeconds(20), "the dev-mode worker online", () -> new JsonArray(
              http.get("/api/workers", ApiDriver.ADMIN).body()).stream().map(JsonObject.class::cast)
          .filter(worker -> "online".equals(worker.getString("status")))
          .map(worker -> worker.getString("id", worker.getString("worker_id"))).findFirst().orElse(null));
      workflowId = api.createWorkflow(new JsonObject().put("name", "json log").put("definition",
          new JsonObject().put("steps", new JsonArray().add(ApiDriver.execute("Say hello", "echo hello")))));
      executionId = api.start(workflowId);
      api.awaitStatus(executionId, "completed", Duration.ofSeconds(20));

      pulse.process().destroy();
      assertTrue(pulse.process().waitFor(30, TimeUnit.SECONDS), "PULSE exits after SIGTERM");
    }

    List<JsonObject> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      try {
        lines.add(new JsonObject(line));
      } catch (DecodeException e) {
        fail("not a JSON object: " + line);
      }
    }
    for (JsonObject line : lines) {
      for (String field : List.of("timestamp", "level", "loggerName", "formattedMessage")) {
        assertTrue(line.containsKey(field), field + " missing in " + line.encode());
      }
    }
    assertTrue(lines.stream().anyMatch(line -> message(line).equals("PULSE stopped")),
        "the log runs up to the shutdown");

    List<JsonObject> aboutExecution = mentioning(lines, executionId);
    for (JsonObject line : aboutExecution) {
      assertEquals(executionId, kvp(line, "execution_id"), line.encode());
    }
    for (String event : List.of("started by", "ended completed")) {
      JsonObject line = aboutExecution.stream().filter(found -> message(found).contains(event)).findFirst()
          .orElseThrow(() -> new AssertionError("no line with '" + event + "' in " + aboutExecution));
      assertEquals(workflowId, kvp(line, "workflow_id"), line.encode());
    }

    List<JsonObject> aboutWorker = mentioning(lines, workerId);
    for (JsonObject line : aboutWorker) {
      assertEquals(workerId, kvp(line, "worker_id"), line.encode());
      assertNotNull(kvp(line, "worker_name"), line.encode());
    }
    assertTrue(aboutWorker.stream().anyMatch(line -> line.getString("loggerName").startsWith("dev.pulse.registry.")),
        "the registry logs the worker's connection: " + aboutWorker);
    assertTrue(aboutWorker.stream().anyMatch(line -> line.getString("loggerName").startsWith("dev.pulse.worker.")),
        "the worker logs its acceptance: " + aboutWorker);
    assertFalse(lines.stream().anyMatch(line -> "null".equals(kvp(line, "execution_id"))), "no id logged as null");
  }

  private static List<JsonObject> mentioning(List<JsonObject> lines, String id) {
    return lines.stream().filter(line -> message(line).contains(id)).toList();
  }

  private static String message(JsonObject line) {
    return String.valueOf(line.getString("formattedMessage"));
  }

  /** logback's JsonEncoder writes key-value pairs as {@code "kvpList":[{"key":"value"},...]}. */
  private static String kvp(JsonObject line, String key) {
    JsonArray pairs = line.getJsonArray("kvpList");
    if (pairs == null) {
      return null;
    }
    return pairs.stream().map(JsonObject.class::cast).filter(pair -> pair.containsKey(key))
        .map(pair -> pair.getString(key)).findFirst().orElse(null);
  }
}
