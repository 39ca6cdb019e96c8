package dev.pulse.worker;

import static dev.pulse.worker.WorkerHarness.await;
import static dev.pulse.worker.WorkerHarness.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.worker.guard.CommandGate;
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

/** The worker's own guard settings: the trusted dispatch key and the command allow-list. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerGuardConfigTest {

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
  void allowListRunsMatchingCommandsAndRefusesTheRestWithAClearResult() throws Exception {
    worker.deploy(worker.config().put("WORKER_ALLOWED_COMMANDS", "echo [a-z]+\ntouch allowed;;uptime"))
        .awaitAccepted();

    await(worker.dispatch("a-1", "echo fine"));
    assertEquals("fine\n", worker.result("a-1").getString("stdout"));
    await(worker.dispatch("a-2", "touch allowed"));
    assertTrue(worker.result("a-2").getBoolean("success"));

    for (String[] refused : new String[][] {{"a-3", "touch pwned"}, {"a-4", "echo fine; touch pwned"},
        {"a-5", "echo fine\ntouch pwned"}}) {
      PulseException failure = failure(worker.dispatch(refused[0], refused[1]));
      assertEquals(403, failure.status(), refused[1]);
      assertEquals(CommandGate.NOT_ALLOWED, failure.getMessage());
      JsonObject report = worker.result(refused[0]);
      assertEquals(CommandGate.NOT_ALLOWED, report.getString("error"));
      assertFalse(report.getBoolean("success"));
    }
    Thread.sleep(300);
    assertFalse(Files.exists(worker.workDir.resolve("pwned")));
  }

  @Test
  void invalidAllowListEntryFailsTheDeploymentNamingTheKey() {
    Exception failure = assertThrows(Exception.class,
        () -> worker.deploy(worker.config().put("WORKER_ALLOWED_COMMANDS", "echo ok;;apt (update")));
    assertTrue(failure instanceof ConfigException, failure.toString());
    assertTrue(failure.getMessage().startsWith("WORKER_ALLOWED_COMMANDS entry 2"), failure.getMessage());
  }

  @Test
  void workerWithoutADispatchPublicKeyRefusesToStart() {
    Exception failure = assertThrows(Exception.class,
        () -> worker.deploy(worker.config().putNull("DISPATCH_PUBLIC_KEY")));
    assertTrue(failure instanceof ConfigException, failure.toString());
    assertTrue(failure.getMessage().startsWith("DISPATCH_PUBLIC_KEY is required"), failure.getMessage());
  }

  @Test
  void publicKeyFromAFileIsTrusted() throws Exception {
    Path keyFile = worker.stateDir.resolveSibling(worker.stateDir.getFileName() + "-dispatch.pub");
    Files.writeString(keyFile, DispatchKeys.pem(WorkerHarness.DISPATCH_KEYS.getPublic()));
    try {
      worker.deploy(worker.config().putNull("DISPATCH_PUBLIC_KEY").put("DISPATCH_PUBLIC_KEY_FILE",
          keyFile.toString())).awaitAccepted();
      await(worker.dispatch("f-1", "echo from file"));
      assertEquals("from file\n", worker.result("f-1").getString("stdout"));
    } finally {
      Files.deleteIfExists(keyFile);
    }
  }

  @Test
  void unreadablePublicKeyFileFailsTheDeploymentNamingTheKey() {
    Exception failure = assertThrows(Exception.class, () -> worker.deploy(worker.config()
        .putNull("DISPATCH_PUBLIC_KEY").put("DISPATCH_PUBLIC_KEY_FILE", "/nonexistent/dispatch.pub")));
    assertTrue(failure instanceof ConfigException, failure.toString());
    assertTrue(failure.getMessage().startsWith("DISPATCH_PUBLIC_KEY_FILE"), failure.getMessage());
  }
}
