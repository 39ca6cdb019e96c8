package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static dev.pulse.worker.WorkerHarness.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.PulseException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdmissionTest {

  private WorkerHarness worker;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path state, @TempDir Path work) {
    worker = new WorkerHarness(vertx, state, work).withRegistry().withReceiver();
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void sixthCommandWaitsInTheQueueUntilOneOfFiveEnds() {
    worker.deploy().awaitAccepted();
    List<String> sleepers = IntStream.rangeClosed(1, 5).mapToObj(i -> "s-" + i).toList();
    for (String id : sleepers) {
      assertFalse(await(worker.dispatch(id, "sleep 1.2")).getBoolean("queued"), id + " runs at once");
    }

    JsonObject sixth = await(worker.dispatch("s-6", "echo sixth"));

    assertTrue(sixth.getBoolean("queued"));
    WorkerHarness.waitFor("a heartbeat showing the queue", () -> worker.heartbeats.stream()
        .map(beat -> beat.getJsonObject("metadata"))
        .anyMatch(meta -> meta.getInteger("tasks_running") == 5 && meta.getInteger("tasks_queued") == 1));
    assertEquals("sixth\n", worker.result("s-6").getString("stdout"));
    long firstSleeperDone = sleepers.stream().mapToLong(id -> {
      worker.result(id);
      return worker.results.get(id).get(0).atNanos();
    }).min().orElseThrow();
    assertTrue(worker.results.get("s-6").get(0).atNanos() > firstSleeperDone,
        "the sixth ran only after a sleeper ended");
  }

  @Test
  void fullQueueRefusesWith429() {
    worker.deploy(worker.config().put("MAX_CONCURRENT_TASKS", 1).put("TASK_QUEUE_SIZE", 1)).awaitAccepted();
    await(worker.dispatch("f-1", "sleep 1"));
    assertTrue(await(worker.dispatch("f-2", "true")).getBoolean("queued"));

    PulseException full = failure(worker.dispatch("f-3", "true"));

    assertEquals(429, full.status());
    assertEquals("queue full", full.getMessage());
  }

  @Test
  void repeatedDispatchOfOneCommandIdRunsItOnce() throws Exception {
    worker.deploy().awaitAccepted();
    String command = "echo run >> runs.txt; sleep 0.3";
    await(worker.dispatch("dup-1", command));

    JsonObject whileRunning = await(worker.dispatch("dup-1", command));
    worker.result("dup-1");
    JsonObject afterDone = await(worker.dispatch("dup-1", command));

    assertTrue(whileRunning.getBoolean("duplicate"));
    assertTrue(afterDone.getBoolean("duplicate"));
    assertTrue(afterDone.getBoolean("accepted"));
    Thread.sleep(500);
    assertEquals(List.of("run"), Files.readAllLines(worker.workDir.resolve("runs.txt")));
    assertEquals(1, worker.deliveries("dup-1"));
  }

  @Test
  void malformedDispatchIsABadRequest() {
    worker.deploy().awaitAccepted();
    PulseException noReplyTo = failure(worker.dispatch(worker.workerId(),
        new CommandDispatch("b-1", null, -1, worker.workerId(), "true", 1000, null, null, null)));
    PulseException unsafeId = failure(worker.dispatch(worker.workerId(),
        new CommandDispatch("../etc/passwd", null, -1, worker.workerId(), "true", 1000, null, null,
            Addresses.ENGINE_RESULTS)));

    assertEquals(400, noReplyTo.status());
    assertTrue(noReplyTo.getMessage().contains("reply_to"));
    assertEquals(400, unsafeId.status());
    assertTrue(unsafeId.getMessage().contains("command_id"));
  }
}
