package dev.pulse.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The ids a dispatch puts on a log line, as logback's JSON encoder writes them. */
class LogKeysTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.pulse.test.LogKeysTest");
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final JsonEncoder encoder = new JsonEncoder();

  @BeforeEach
  void capture() {
    LoggerContext context = logger.getLoggerContext();
    captured.setContext(context);
    captured.start();
    logger.addAppender(captured);
    encoder.setContext(context);
    encoder.setWithFormattedMessage(true);  // as config/logback.xml sets it
    encoder.start();
  }

  @AfterEach
  void release() {
    logger.detachAppender(captured);
  }

  @Test
  void aWorkflowStepCarriesCommandExecutionAndWorkerIds() {
    CommandDispatch step = new CommandDispatch("c-1", "e-1", 0, "w-1", "true", 1000, null, null,
        Addresses.ENGINE_RESULTS);
    LogKeys.withIds(logger.atInfo(), step).log("Command {} started", step.commandId());

    JsonObject line = onlyLine();
    assertEquals("Command c-1 started", line.getString("formattedMessage"));
    assertEquals(new JsonArray().add(new JsonObject().put("command_id", "c-1"))
        .add(new JsonObject().put("execution_id", "e-1")).add(new JsonObject().put("worker_id", "w-1")),
        line.getJsonArray("kvpList"));
  }

  @Test
  void aDirectCommandLeavesTheExecutionIdOutInsteadOfWritingNull() {
    CommandDispatch direct = new CommandDispatch("c-2", null, -1, "w-1", "true", 1000, null, null,
        Addresses.REGISTRY_RESULTS);
    LogKeys.withIds(logger.atWarn(), direct).log("Direct command {} failed", direct.commandId());

    assertEquals(new JsonArray().add(new JsonObject().put("command_id", "c-2"))
        .add(new JsonObject().put("worker_id", "w-1")), onlyLine().getJsonArray("kvpList"));
  }

  @Test
  void aLocalWorkflowCarriesExecutionAndWorkerIds() {
    WorkflowDispatch workflow = new WorkflowDispatch("e-2", "w-2", "local", List.of(),
        Addresses.REGISTRY_WORKFLOW_RESULTS);
    LogKeys.withIds(logger.atInfo(), workflow).log("Workflow {} interrupted", workflow.executionId());

    assertEquals(new JsonArray().add(new JsonObject().put("execution_id", "e-2"))
        .add(new JsonObject().put("worker_id", "w-2")), onlyLine().getJsonArray("kvpList"));
  }

  private JsonObject onlyLine() {
    assertEquals(1, captured.list.size(), captured.list.toString());
    return new JsonObject(new String(encoder.encode(captured.list.get(0)), StandardCharsets.UTF_8).trim());
  }
}
