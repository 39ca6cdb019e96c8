package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code command_finished} on EVENT_COMMAND: once per stored end of a direct command, real or marker. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandFinishedEventTest {

  private static final String KEY = RegistryHarness.SHARED_KEY;

  private RegistryHarness registry;
  private Finished finished;

  @BeforeEach
  void deploy(Vertx vertx) {
    registry = RegistryHarness.start(vertx, new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300));
    finished = Finished.listen(vertx).await();
    registry.connect("w-1", "web-01", KEY).await();
  }

  @Test
  void storedResultIsAnnouncedOnceAndItsDuplicateIsNot() {
    StandInWorker worker = StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting()).await()
        .heartbeatEvery(100, registry.client, "web-01", KEY, new JsonObject());
    String first = run("w-1");
    worker.dispatched().await();
    JsonObject ack = registry.sendResult(new CommandResult(first, null, -1, "w-1", false, 2, "partial", "boom", 340,
        false, true, null, System.currentTimeMillis()).toJson()).await();
    assertEquals(new JsonObject().put("ok", true), ack);

    assertEquals(new JsonObject().put("type", "command_finished").put("command_id", first).put("worker_id", "w-1")
        .put("worker_name", "web-01").put("success", false).put("exit_code", 2).put("timed_out", false)
        .put("truncated", true).put("duration", 340L), finished.nth(first, 1).await());

    JsonObject duplicate = registry.sendResult(result(first, true)).await();
    assertTrue(duplicate.getBoolean("duplicate"), duplicate.encode());
    // A later command's event: whatever the registry did about the duplicate is done by then.
    String second = run("w-1");
    registry.sendResult(result(second, true)).await();
    assertTrue(finished.nth(second, 1).await().getBoolean("success"));
    assertEquals(1, finished.of(first).size(), "the duplicate is not announced: " + finished.of(first));
  }

  @Test
  void workerLostMarkerIsAnnouncedAndSoIsTheRealResultThatReplacesIt() {
    StandInWorker worker = StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting()).await()
        .heartbeatEvery(100, registry.client, "web-01", KEY, new JsonObject());
    String id = run("w-1");
    worker.dispatched().await();
    worker.stopHeartbeats();

    JsonObject lost = finished.nth(id, 1).await();
    assertEquals("worker_lost", lost.getString("error"));
    assertEquals("w-1", lost.getString("worker_id"));
    assertEquals("web-01", lost.getString("worker_name"));
    assertEquals(false, lost.getBoolean("success"));
    assertEquals(-1, lost.getInteger("exit_code"));
    assertEquals("failed", registry.client.command(id).await().getString("status"), "announced once stored");

    registry.sendResult(result(id, true)).await();
    JsonObject real = finished.nth(id, 2).await();
    assertTrue(real.getBoolean("success"));
    assertEquals(0, real.getInteger("exit_code"));
    assertFalse(real.containsKey("error"), real.encode());
  }

  @Test
  void unreachableWorkerMarkerIsAnnounced() {
    String id = run("w-1");
    JsonObject event = finished.nth(id, 1).await();
    assertEquals("worker_unreachable", event.getString("error"));
    assertEquals("web-01", event.getString("worker_name"));
  }

  @Test
  void commandOrphanedWhileTheRegistryWasDownIsAnnouncedLostAtStart() {
    StandInWorker worker = StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting()).await();
    String id = run("w-1");
    worker.dispatched().await();
    registry.undeploy().await();
    registry.rows("DELETE FROM workers WHERE id = ?", "w-1").await();
    registry.deploy(new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300)).await();

    JsonObject event = finished.nth(id, 1).await();
    assertEquals("worker_lost", event.getString("error"));
    assertEquals("w-1", event.getString("worker_id"));
    assertEquals("web-01", event.getString("worker_name"));
    JsonObject marker = registry.client.command(id).await().getJsonObject("result");
    assertEquals(id, marker.getString("command_id"));
    assertEquals("w-1", marker.getString("worker_id"));
    assertEquals("the worker was lost while the registry was down", marker.getString("message"));
  }

  @Test
  void localWorkflowRunLostWithItsWorkerIsNoCommandFinished() {
    StandInWorker worker = StandInWorker.start(registry.vertx, "w-1", StandInWorker.accepting()).await()
        .heartbeatEvery(100, registry.client, "web-01", KEY, new JsonObject());
    registry.vertx.eventBus().<JsonObject>consumer(Addresses.workerWorkflow("w-1"),
        message -> message.reply(new JsonObject().put("accepted", true).put("queued", false))).completion().await();
    String run = registry.client.runWorkflow(new JsonObject().put("worker_id", "w-1").put("steps", new JsonArray()
        .add(new JsonObject().put("type", "execute").put("command", "ip link set eth0 down"))))
        .await().getString("workflow_run_id");
    String command = run("w-1");
    worker.dispatched().await();
    worker.stopHeartbeats();

    assertEquals("worker_lost", finished.nth(command, 1).await().getString("error"));
    Await.until(registry.vertx, () -> registry.client.command(run), row -> "failed".equals(row.getString("status")),
        5_000).await();
    registry.connect("w-2", "web-02", KEY).await();
    finished.nth(run("w-2"), 1).await();
    assertEquals(List.of(), finished.of(run));
  }

  private String run(String worker) {
    return registry.client.runCommand(new JsonObject().put("worker_id", worker).put("command", "uptime"))
        .await().getString("command_id");
  }

  private static JsonObject result(String commandId, boolean success) {
    return new CommandResult(commandId, null, -1, "w-1", success, success ? 0 : 1, "out", "", 12, false, false,
        null, System.currentTimeMillis()).toJson();
  }

  /** Every {@code command_finished} seen, with futures for the ones a test waits for. */
  private static final class Finished {

    private final List<JsonObject> seen = new ArrayList<>();
    private final List<Runnable> waiters = new ArrayList<>();

    static Future<Finished> listen(Vertx vertx) {
      Finished log = new Finished();
      return vertx.eventBus().<JsonObject>consumer(Addresses.EVENT_COMMAND, message -> log.received(message.body()))
          .completion().map(log);
    }

    synchronized List<JsonObject> of(String commandId) {
      return seen.stream().filter(event -> commandId.equals(event.getString("command_id"))).toList();
    }

    /** The {@code times}-th event for that command, seen already or to come. */
    synchronized Future<JsonObject> nth(String commandId, int times) {
      Promise<JsonObject> promise = Promise.promise();
      Runnable check = () -> {
        List<JsonObject> events = of(commandId);
        if (events.size() >= times) {
          promise.tryComplete(events.get(times - 1));
        }
      };
      check.run();
      waiters.add(check);
      return promise.future();
    }

    private synchronized void received(JsonObject event) {
      seen.add(event);
      waiters.forEach(Runnable::run);
    }
  }
}
