package dev.pulse.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.CommandResult;
import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How an execution is stored: its steps as rows of their own, its log lines appended while it
 * runs and moved into {@code executions.logs} when it ends; and an execution stored whole (the
 * steps inside {@code executions.state}, as before the steps had rows) is driven on; a worker's
 * result is recorded with the decision it leads to, or alone when that decision cannot be stored.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutionRowsTest {

  private static final String ASK_THEN_RUN = "{\"steps\":["
      + "{\"name\":\"Check\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"check\"},"
      + "{\"name\":\"Ask\",\"type\":\"prompt\",\"message\":\"Go?\",\"options\":[\"Yes\",\"No\"]},"
      + "{\"name\":\"Run\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"go\"}]}";

  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.fleet.worker("web-01", "online", "web");
  }

  @Test
  void logsAreAppendedWhileRunningAndMovedIntoTheRowInOrderAtTheEnd() {
    fx.deployEngine();
    String id = fx.start(fx.workflow(ASK_THEN_RUN));
    JsonObject waiting = fx.awaitStatus(id, "waiting_for_input", 10_000);

    assertEquals(3, count("SELECT COUNT(*) FROM execution_steps WHERE execution_id = ?", id), "a row per step");
    assertFalse(new JsonObject(fx.column(id, "state")).containsKey("steps"), "the steps are not in the head");
    assertTrue(count("SELECT COUNT(*) FROM execution_logs WHERE execution_id = ?", id) > 0, "lines appended");
    assertEquals(List.of("completed", "running", "pending"), statuses(waiting));
    List<String> events = EngineFixture.logEvents(waiting);
    assertEquals("execution_started", events.get(0));
    assertTrue(events.contains("prompt_opened"), events.toString());

    fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes").put("responded_by", "bob")).await();
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);

    assertEquals(0, count("SELECT COUNT(*) FROM execution_logs WHERE execution_id = ?", id), "moved at the end");
    JsonArray column = new JsonArray(fx.column(id, "logs"));
    assertEquals(done.getJsonArray("logs"), column, "the row holds every line, in order");
    assertEquals(events, EngineFixture.logEvents(done).subList(0, events.size()), "earlier lines keep their place");
    assertEquals("execution_completed", EngineFixture.logEvents(done).get(column.size() - 1));
    assertEquals(List.of("completed", "completed", "completed"), statuses(done));
  }

  @Test
  void anExecutionStoredWholeIsDrivenOnAndGetsItsRows() {
    String engine = fx.deployEngine();
    String id = fx.start(fx.workflow(ASK_THEN_RUN));
    JsonObject waiting = fx.awaitStatus(id, "waiting_for_input", 10_000);
    fx.undeploy(engine);

    // The shape an execution had when its steps and lines lived in the executions row alone.
    JsonObject whole = new JsonObject(fx.column(id, "state")).put("steps", waiting.getJsonArray("steps"));
    fx.pool.preparedQuery("UPDATE executions SET state = ?, logs = ? WHERE id = ?")
        .execute(Tuple.of(whole.encode(), waiting.getJsonArray("logs").encode(), id)).await();
    fx.pool.preparedQuery("DELETE FROM execution_steps WHERE execution_id = ?").execute(Tuple.of(id)).await();
    fx.pool.preparedQuery("DELETE FROM execution_logs WHERE execution_id = ?").execute(Tuple.of(id)).await();

    fx.deployEngine();
    JsonObject again = fx.awaitStatus(id, "waiting_for_input", 10_000);
    assertEquals(waiting.getJsonArray("steps"), again.getJsonArray("steps"));
    assertEquals("Go?", again.getJsonObject("prompt").getString("message"));

    fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes").put("responded_by", "bob")).await();
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);
    assertEquals(List.of("completed", "completed", "completed"), statuses(done));
    assertEquals(List.of("check@id-web-01", "go@id-web-01"), fx.commands(id));
    assertEquals(3, count("SELECT COUNT(*) FROM execution_steps WHERE execution_id = ?", id));
    List<String> events = EngineFixture.logEvents(done);
    assertEquals(EngineFixture.logEvents(waiting), events.subList(0, EngineFixture.logEvents(waiting).size()));
    assertTrue(events.contains("execution_resumed"), events.toString());
  }

  @Test
  void aResultCountsOnlyForTheExecutionItNamesAndOneNamingNoneIsLookedUp() {
    fx.deployEngine();
    String id = fx.start(fx.workflow("{\"steps\":[{\"name\":\"Long\",\"type\":\"execute\","
        + "\"targets\":[\"web-01\"],\"command\":\"hold\"}]}"));
    EngineFixture.awaitTrue("command held", 10_000, () -> fx.fleet.held().size() == 1);
    CommandDispatch held = fx.fleet.held().get(0);
    JsonObject result = new CommandResult(held.commandId(), held.executionId(), held.stepIndex(), held.workerId(),
        true, 0, "done", "", 5, false, false, null, System.currentTimeMillis()).toJson();

    fx.fleet.send(held.replyTo(), result.copy().put("execution_id", "another-execution"));
    EngineFixture.awaitTrue("answered", 5_000, () -> fx.fleet.acks.size() == 1);
    assertEquals("running", fx.execution(id).getString("status"));
    assertEquals(1, count("SELECT COUNT(*) FROM commands WHERE execution_id = ? AND result IS NULL", id));

    JsonObject naming = result.copy();
    naming.remove("execution_id");
    fx.fleet.send(held.replyTo(), naming);
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);
    assertEquals("done", done.getJsonArray("steps").getJsonObject(0).getJsonArray("results").getJsonObject(0)
        .getString("stdout"));
  }

  @Test
  void aResultIsRecordedWithItsDecisionAndAloneWhenThatWriteFails() {
    fx.deployEngine();
    String id = fx.start(fx.workflow("{\"steps\":["
        + "{\"name\":\"First\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"hold\"},"
        + "{\"name\":\"Second\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"hold\"}]}"));
    EngineFixture.awaitTrue("first command held", 10_000, () -> fx.fleet.held().size() == 1);
    CommandDispatch first = fx.fleet.held().get(0);

    fx.fleet.send(first.replyTo(), result(first, "one"));
    EngineFixture.awaitTrue("answered", 5_000, () -> fx.fleet.acks.size() == 1);
    assertEquals("one", storedStdout(first.commandId()), "acknowledged once recorded");
    EngineFixture.awaitTrue("second command held", 10_000, () -> fx.fleet.held().size() == 2);
    CommandDispatch second = fx.fleet.held().stream().filter(d -> !d.commandId().equals(first.commandId()))
        .findFirst().orElseThrow();

    fx.fleet.send(first.replyTo(), result(first, "a repeat"));
    EngineFixture.awaitTrue("repeat answered", 5_000, () -> fx.fleet.acks.size() == 2);
    assertEquals("one", storedStdout(first.commandId()), "the first result is kept");

    // Another node takes the execution: the decision this result leads to cannot be stored here.
    fx.pool.preparedQuery("UPDATE executions SET owner = 'another-node', lease_until = TIMESTAMPADD(HOUR, 1, NOW(3))"
        + " WHERE id = ?").execute(Tuple.of(id)).await();
    fx.fleet.send(second.replyTo(), result(second, "two"));
    EngineFixture.awaitTrue("answered after the takeover", 5_000, () -> fx.fleet.acks.size() == 3);
    assertEquals("two", storedStdout(second.commandId()), "recorded for the new owner to take in");
    assertEquals("running", fx.execution(id).getString("status"));
    assertEquals("one", fx.execution(id).getJsonArray("steps").getJsonObject(0).getJsonArray("results")
        .getJsonObject(0).getString("stdout"));
  }

  private static JsonObject result(CommandDispatch dispatch, String stdout) {
    return new CommandResult(dispatch.commandId(), dispatch.executionId(), dispatch.stepIndex(), dispatch.workerId(),
        true, 0, stdout, "", 5, false, false, null, System.currentTimeMillis()).toJson();
  }

  private String storedStdout(String commandId) {
    Row row = fx.pool.preparedQuery("SELECT result FROM commands WHERE command_id = ?").execute(Tuple.of(commandId))
        .await().iterator().next();
    return row.getValue(0) == null ? null : new JsonObject(row.getValue(0).toString()).getString("stdout");
  }

  private static List<String> statuses(JsonObject execution) {
    return execution.getJsonArray("steps").stream().map(step -> ((JsonObject) step).getString("status")).toList();
  }

  private long count(String sql, String id) {
    Row row = fx.pool.preparedQuery(sql).execute(Tuple.of(id)).await().iterator().next();
    return row.getLong(0);
  }
}
