package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static dev.pulse.worker.WorkerHarness.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.PulseException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessControlTest {

  private WorkerHarness worker;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path state, @TempDir Path work) {
    worker = new WorkerHarness(vertx, state, work).withRegistry().withReceiver().deploy().awaitAccepted();
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void timeoutKillsTheWholeTreeIncludingAChildThatIgnoresTerm() throws Exception {
    String stubborn = "sh -c 'trap \"\" TERM; echo $$ > stubborn.pid; while :; do sleep 0.1; done' & "
        + "echo $! > background.pid; wait";
    long began = System.nanoTime();
    await(worker.dispatch("t-1", stubborn, 800));

    JsonObject result = worker.result("t-1");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
    assertTrue(result.getBoolean("timed_out"));
    assertFalse(result.getBoolean("success"));
    assertTrue(result.getString("error").contains("timed out"), result.getString("error"));
    assertTrue(tookMs < 5000, "TERM, then KILL after the grace, took " + tookMs + " ms");
    long child = Long.parseLong(Files.readString(worker.workDir.resolve("stubborn.pid")).trim());
    assertFalse(alive(child), "the child that ignores TERM, re-parented when its shell died, is killed");
  }

  @Test
  void cancelKillsARunningCommand() throws Exception {
    await(worker.dispatch("k-1", "sleep 30 & echo $! > sleep.pid; wait"));
    Path pidFile = worker.workDir.resolve("sleep.pid");
    WorkerHarness.waitFor("the command to start", () -> Files.exists(pidFile) && size(pidFile) > 0);

    JsonObject reply = await(worker.control(new JsonObject().put("type", "cancel").put("command_id", "k-1")));
    assertEquals("running", reply.getString("was"));

    JsonObject result = worker.result("k-1");
    assertEquals("cancelled", result.getString("error"));
    assertFalse(result.getBoolean("success"));
    assertFalse(result.getBoolean("timed_out"));
    assertFalse(alive(Long.parseLong(Files.readString(pidFile).trim())));
  }

  @Test
  void cancelDropsAQueuedCommandWithoutRunningIt() {
    worker.close();
    worker.deploy(worker.config().put("MAX_CONCURRENT_TASKS", 1)).awaitAccepted();
    await(worker.dispatch("q-1", "sleep 1"));
    assertTrue(await(worker.dispatch("q-2", "touch queued-ran")).getBoolean("queued"));

    await(worker.control(new JsonObject().put("type", "cancel").put("command_id", "q-2")));

    assertEquals("cancelled", worker.result("q-2").getString("error"));
    assertTrue(worker.result("q-1").getBoolean("success"));
    assertFalse(Files.exists(worker.workDir.resolve("queued-ran")));
  }

  @Test
  void cancelOfAnUnknownCommandIsNotFound() {
    PulseException failure = failure(worker.control(new JsonObject().put("type", "cancel").put("command_id", "nope")));
    assertEquals(404, failure.status());
  }

  @Test
  void pingAnswersPongWithTheWorkerId() {
    JsonObject pong = await(worker.control(new JsonObject().put("type", "ping")));
    assertEquals("pong", pong.getString("type"));
    assertEquals(worker.workerId(), pong.getString("worker_id"));
  }

  @Test
  void drainingWorkerRefusesNewWorkButFinishesRunningCommands() {
    await(worker.dispatch("d-1", "sleep 0.5; echo finished"));

    JsonObject reply = await(worker.control(new JsonObject().put("type", "drain")));
    assertTrue(reply.getBoolean("ok"));
    PulseException refused = failure(worker.dispatch("d-2", "echo never"));

    assertEquals(409, refused.status());
    assertEquals("worker is draining", refused.getMessage());
    assertEquals("finished\n", worker.result("d-1").getString("stdout"));
    assertEquals(true, worker.heartbeats.get(worker.heartbeats.size() - 1).getJsonObject("metadata")
        .getBoolean("draining"));
  }

  /** Alive and not a zombie waiting for an init that reaps slowly. */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException gone) {
      return false;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
