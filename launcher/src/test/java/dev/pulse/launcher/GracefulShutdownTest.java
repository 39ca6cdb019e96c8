package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testkit.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GracefulShutdownTest {

  @Test
  void sigtermStopsDevModeCleanlyIncludingItsDatabase() throws Exception {
    Path dir = TestDatabase.dataDir().resolve("sigterm-" + UUID.randomUUID());
    int port = PulseProcess.freePort();
    try (PulseProcess pulse = PulseProcess.start(dir, dir.resolveSibling(dir.getFileName() + ".log"),
        Map.of("PORT", String.valueOf(port), "DATA_DIR", dir.resolve("data").toString(),
            "HEARTBEAT_INTERVAL", "1"), "dev")) {
      pulse.awaitHealthy(port, Duration.ofSeconds(90));
      List<ProcessHandle> children = pulse.process().descendants().toList();
      assertFalse(children.isEmpty(), "the embedded MariaDB runs as a child process");

      pulse.process().destroy();  // SIGTERM, as systemd sends
      assertTrue(pulse.process().waitFor(60, TimeUnit.SECONDS), "PULSE exits after SIGTERM");
      assertEquals(143, pulse.process().exitValue(), "128 + SIGTERM after the shutdown hook ran");
      String log = pulse.log();
      assertTrue(log.contains("PULSE stopped"), log);
      for (ProcessHandle child : children) {
        assertTrue(child.onExit().get(10, TimeUnit.SECONDS) != null && !child.isAlive(),
            "child " + child.pid() + " stopped with PULSE");
      }
    }
  }
}
