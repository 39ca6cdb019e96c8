package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static dev.pulse.worker.WorkerHarness.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.Addresses;
import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.PulseException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryLinkTest {

  private WorkerHarness worker;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path state, @TempDir Path work) {
    worker = new WorkerHarness(vertx, state, work).withReceiver();
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  @Test
  void refusedKeyRefusesEveryDispatchAndNeverRunsTheCommand() throws Exception {
    worker.withRegistry().connectFailure = 401;
    worker.deploy();
    WorkerHarness.waitFor("a connect attempt", () -> !worker.connects.isEmpty());
    String workerId = worker.connects.get(0).getString("worker_id");
    Thread.sleep(200);

    PulseException refused = failure(worker.dispatch(workerId, new CommandDispatch("r-1", null, -1, workerId,
        "touch ran", 5000, null, null, Addresses.ENGINE_RESULTS)));

    assertEquals(403, refused.status());
    assertEquals("worker not enrolled", refused.getMessage());
    Thread.sleep(300);
    assertFalse(Files.exists(worker.workDir.resolve("ran")));
    assertTrue(worker.heartbeats.isEmpty(), "a refused worker sends no heartbeats");
    assertEquals(WorkerHarness.ENROLMENT_KEY, worker.connects.get(0).getString("api_key"));
  }

  @Test
  void startDoesNotWaitForTheRegistryAndRefusesWorkUntilAccepted() {
    worker.deploy();
    String workerId = workerIdFromStateFile();

    PulseException early = failure(worker.dispatch(workerId, new CommandDispatch("e-1", null, -1, workerId,
        "true", 5000, null, null, Addresses.ENGINE_RESULTS)));
    assertEquals(503, early.status());

    worker.withRegistry().awaitAccepted();
    await(worker.dispatch("e-2", "echo accepted"));
    assertEquals("accepted\n", worker.result("e-2").getString("stdout"));
    assertEquals(workerId, worker.connects.get(0).getString("worker_id"));
    assertEquals("test-worker", worker.connects.get(0).getString("worker_name"));
    assertEquals(List.of("web", "db"), worker.connects.get(0).getJsonArray("groups").getList());
  }

  @Test
  void heartbeatsCarryRealHostMetricsEveryInterval() {
    worker.withRegistry().deploy().awaitAccepted();
    long began = System.nanoTime();
    WorkerHarness.waitFor("three more heartbeats", () -> worker.heartbeats.size() >= 4);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);

    assertTrue(tookMs < 2500, "heartbeats come every 300 ms, three took " + tookMs + " ms");
    JsonObject beat = worker.heartbeats.get(3);
    assertEquals(worker.workerId(), beat.getString("worker_id"));
    assertEquals("test-worker", beat.getString("name"));
    assertEquals(WorkerHarness.ENROLMENT_KEY, beat.getString("api_key"));
    JsonObject meta = beat.getJsonObject("metadata");
    assertTrue(meta.getLong("memory_total") > 0 && meta.getLong("memory_used") > 0, meta.encode());
    assertTrue(meta.getLong("memory_used") <= meta.getLong("memory_total"));
    assertTrue(meta.getLong("disk_total") > 0 && meta.getLong("disk_used") > 0, meta.encode());
    assertTrue(meta.getLong("uptime_seconds") > 0, meta.encode());
    assertTrue(meta.getDouble("load_1") >= 0 && meta.getDouble("load_5") >= 0 && meta.getDouble("load_15") >= 0);
    assertNotNull(meta.getDouble("cpu_percent"), meta.encode());
    assertTrue(meta.getDouble("cpu_percent") >= 0 && meta.getDouble("cpu_percent") <= 100);
    assertEquals(0, meta.getInteger("tasks_running"));
    assertEquals(0, meta.getInteger("tasks_queued"));
    assertEquals(5, meta.getInteger("max_concurrent"));
    assertEquals("dev", meta.getString("version"));
    assertFalse(meta.getString("hostname").isBlank());
    assertTrue(meta.getString("os").startsWith("Linux"), meta.getString("os"));
  }

  @Test
  void restartWithTheSameStateDirKeepsWorkerIdAndPresentsTheIssuedKey() throws Exception {
    worker.withRegistry().issuedKey = "per-worker-key-123";
    worker.deploy().awaitAccepted();
    String firstId = worker.workerId();
    Path stateFile = worker.stateDir.resolve("worker.json");
    WorkerHarness.waitFor("the issued key on disk", () -> read(stateFile).contains("per-worker-key-123"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateFile)));
    worker.undeploy();

    worker.issuedKey = null;
    worker.deploy().awaitAccepted();

    assertEquals(firstId, worker.workerId());
    assertEquals(2, worker.connects.size());
    assertEquals(firstId, worker.connects.get(1).getString("worker_id"));
    assertEquals("per-worker-key-123", worker.connects.get(1).getString("api_key"));
    assertEquals("per-worker-key-123", worker.heartbeats.get(worker.heartbeats.size() - 1).getString("api_key"));
  }

  @Test
  void workerConnectsAgainWhenTheRegistryForgetsIt() {
    worker.withRegistry().deploy().awaitAccepted();
    worker.heartbeatsToForget.set(1);

    WorkerHarness.waitFor("a second connect", () -> worker.connects.size() >= 2);

    int before = worker.heartbeats.size();
    WorkerHarness.waitFor("heartbeats again", () -> worker.heartbeats.size() > before);
    assertEquals(worker.connects.get(0).getString("worker_id"), worker.connects.get(1).getString("worker_id"));
  }

  @Test
  void missingRequiredSettingFailsTheDeploymentNamingTheKey() {
    Exception failure = assertThrows(Exception.class, () -> worker.deploy(worker.config().putNull("WORKER_API_KEY")));
    assertTrue(failure instanceof ConfigException, failure.toString());
    assertTrue(failure.getMessage().startsWith("WORKER_API_KEY"), failure.getMessage());
  }

  private String workerIdFromStateFile() {
    Path stateFile = worker.stateDir.resolve("worker.json");
    WorkerHarness.waitFor("the state file", () -> read(stateFile).contains("worker_id"));
    return new JsonObject(read(stateFile)).getString("worker_id");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
