package dev.pulse.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.PulseException;
import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** How execute, wait and condition steps end, with a fake registry and fake workers on the bus. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutionFlowTest {

  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.fleet.worker("web-01", "online", "web");
    fx.fleet.worker("web-02", "online", "web");
    fx.fleet.worker("db-01", "offline", "db");
  }

  private String run(String steps) {
    return fx.start(fx.workflow("{\"steps\":" + steps + "}"));
  }

  private static JsonObject step(JsonObject execution, int index) {
    return execution.getJsonArray("steps").getJsonObject(index);
  }

  private CommandDispatch awaitHeld(int count) {
    EngineFixture.awaitTrue(count + " held command(s)", 10_000, () -> fx.fleet.held().size() >= count);
    return fx.fleet.held().get(0);
  }

  @Test
  void offlineTargetFailsAtOnceWithoutADispatch() {
    fx.deployEngine();
    String id = run("[{\"name\":\"Backup\",\"type\":\"execute\",\"targets\":[\"db-01\"],\"command\":\"backup\"}]");
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    assertEquals(List.of(), fx.commands(id));
    JsonObject result = step(failed, 0).getJsonArray("results").getJsonObject(0);
    assertEquals("worker 'db-01' is offline", result.getString("error"));
    assertEquals("failed on 1 of 1 worker(s): db-01 (worker 'db-01' is offline)", step(failed, 0).getString("error"));
    assertEquals("Step 'Backup' failed: failed on 1 of 1 worker(s): db-01 (worker 'db-01' is offline)",
        failed.getString("error"));
  }

  @Test
  void offlineTargetFailsOnlyItsShareWhenOthersRun() {
    fx.deployEngine();
    String id = run("[{\"name\":\"All\",\"type\":\"execute\",\"targets\":[\"web\",\"db\"],\"command\":\"uptime\"}]");
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    assertEquals(2, fx.commands(id).size());
    assertEquals(3, step(failed, 0).getJsonArray("results").size());
  }

  @Test
  void unknownTargetFailsTheStepWithTheRegistryReason() {
    fx.deployEngine();
    String id = run("[{\"name\":\"Go\",\"type\":\"execute\",\"targets\":[\"web-01\",\"nowhere\"],\"command\":\"x\"}]");
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    assertEquals("Unknown targets: nowhere", step(failed, 0).getString("error"));
    assertEquals(List.of(), fx.commands(id));
  }

  @Test
  void failingCommandFailsTheExecutionAndStopsThere() {
    fx.deployEngine();
    String id = run("[{\"name\":\"Break\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"exit 3\"},"
        + "{\"name\":\"Never\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"never\"}]");
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    JsonObject result = step(failed, 0).getJsonArray("results").getJsonObject(0);
    assertEquals(3, result.getInteger("exit_code"));
    assertEquals("failed with 3", result.getString("stderr"));
    assertEquals(false, result.getBoolean("success"));
    assertEquals("pending", step(failed, 1).getString("status"));
    assertEquals(List.of("exit 3@id-web-01"), fx.commands(id));
    assertEquals(List.of("failed"), fx.commandStatuses(id));
    assertTrue(EngineFixture.logEvents(failed).contains("execution_failed"));
  }

  @Test
  void continueOnErrorRunsTheNextStepAndCompletes() {
    fx.deployEngine();
    String id = run("[{\"name\":\"Try\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"exit 1\","
        + "\"continueOnError\":true},"
        + "{\"name\":\"Then\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"echo ok\"}]");
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);
    assertEquals("failed", step(done, 0).getString("status"));
    assertEquals("completed", step(done, 1).getString("status"));
    assertEquals(List.of("exit 1@id-web-01", "echo ok@id-web-01"), fx.commands(id));
  }

  @Test
  void cancelStopsTheCommandOnItsWorkerAndIgnoresItsLateResult() {
    fx.deployEngine();
    String id = run("[{\"name\":\"Long\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"hold 60\"}]");
    CommandDispatch held = awaitHeld(1);
    JsonObject reply = fx.engine.cancel(new JsonObject().put("id", id).put("cancelled_by", "carol")).await();
    assertEquals("cancelled", reply.getString("status"));
    JsonObject cancelled = fx.execution(id);
    assertEquals("cancelled", cancelled.getString("status"));
    assertEquals("cancelled by carol", cancelled.getString("error"));
    EngineFixture.awaitTrue("cancel sent to the worker", 5_000, () -> !fx.fleet.controls.isEmpty());
    assertEquals(new JsonObject().put("type", "cancel").put("command_id", held.commandId())
        .put("worker_id", "id-web-01"), fx.fleet.controls.get(0));
    assertEquals(List.of("failed"), fx.commandStatuses(id));

    fx.fleet.release(held.commandId(), 0, "finished anyway");
    EngineFixture.awaitTrue("late result acknowledged", 5_000, () -> !fx.fleet.acks.isEmpty());
    assertEquals(new JsonObject().put("ok", true), fx.fleet.acks.get(0));
    assertEquals("cancelled", fx.execution(id).getString("status"));
    PulseException again = EngineFixture.failure(fx.engine.cancel(new JsonObject().put("id", id)));
    assertEquals(409, again.status());
    assertEquals("Execution " + id + " has already finished (status cancelled)", again.getMessage());
  }

  @Test
  void waitStepSleepsForItsDuration() {
    fx.deployEngine();
    long began = System.currentTimeMillis();
    String id = run("[{\"name\":\"Pause\",\"type\":\"wait\",\"duration\":1500}]");
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);
    long took = System.currentTimeMillis() - began;
    assertTrue(took >= 1500, "took " + took + " ms");
    assertTrue(EngineFixture.logEvents(done).contains("wait_started"));
  }

  @Test
  void workerGoingOfflineFailsItsCommandAsLost() {
    fx.deployEngine();
    String id = run("[{\"name\":\"Long\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"hold\"}]");
    awaitHeld(1);
    fx.vertx.eventBus().publish(Addresses.EVENT_WORKER_UPDATE, new JsonObject().put("type", "worker_update")
        .put("worker_id", "id-web-01").put("name", "web-01").put("status", "offline"));
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    assertEquals("worker_lost", step(failed, 0).getJsonArray("results").getJsonObject(0).getString("error"));
  }

  @Test
  void workerGoneFromTheBusFailsTheDispatch() {
    fx.fleet.vanish("web-02");
    fx.deployEngine();
    String id = run("[{\"name\":\"Both\",\"type\":\"execute\",\"targets\":[\"web\"],\"command\":\"uptime\"}]");
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    String error = step(failed, 0).getString("error");
    assertTrue(error.startsWith("failed on 1 of 2 worker(s): web-02 (worker 'web-02' did not take the command"),
        error);
  }

  @Test
  void silentCommandFailsAtItsBackstopDeadline() {
    fx.with("ENGINE_RESULT_GRACE_MS", 300).deployEngine();
    String id = run("[{\"name\":\"Quiet\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"hold\","
        + "\"timeout\":300}]");
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    String error = step(failed, 0).getJsonArray("results").getJsonObject(0).getString("error");
    assertTrue(error.startsWith("no result from worker 'web-01' within its timeout (300 ms)"), error);
    EngineFixture.awaitTrue("cancel sent", 5_000, () -> !fx.fleet.controls.isEmpty());
  }

  @Test
  void endlessConditionFailsTheStepWithinItsBudget() {
    fx.deployEngine();
    String id = run("[{\"name\":\"Loop\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"x\","
        + "\"condition\":\"while (true) {}\"}]");
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    String error = step(failed, 0).getString("error");
    assertTrue(error.startsWith("condition failed: it ran longer than its budget"), error);
    assertEquals(List.of(), fx.commands(id));
  }

  @Test
  void conditionSeesEarlierResultsThroughState() {
    fx.deployEngine();
    String id = run("[{\"name\":\"Check\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"check\"},"
        + "{\"name\":\"Fix\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"fix\","
        + "\"condition\":\"state.steps['Check'].results['web-01'].stdout.includes('check')"
        + " && state.steps[0].results[0].exit_code === 0\"}]");
    fx.awaitStatus(id, "completed", 10_000);
    assertEquals(List.of("check@id-web-01", "fix@id-web-01"), fx.commands(id));
  }
}
