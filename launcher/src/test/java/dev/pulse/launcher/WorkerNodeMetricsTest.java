package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.storage.DbConfig;
import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker node keeps meters only when it serves them: with METRICS_PORT it answers
 * {@code /metrics} with the JVM's and Vert.x's meters, without it it keeps none (a small host
 * saves their memory and their cost on every bus message).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WorkerNodeMetricsTest {

  @Test
  void aWorkerNodeServesMetricsOnlyWhenGivenAPort() {
    DbConfig db = TestDatabase.fresh();
    String clusterName = "pulse-test-" + UUID.randomUUID();
    JsonObject server = TwoNodeClusterTest.serverSettings(db, clusterName);
    try (Launched backend = ServerMode.start(server, Set.of("registry"))) {
      int metricsPort = PulseProcess.freePort();
      // The observed node runs in its own JVM, as in production: Vert.x sets metrics up once per
      // JVM, so a second in-process node would share the first one's (and not serve them).
      JsonObject quietSettings = Settings.defaults()
          .mergeIn(new JsonObject(new HashMap<String, Object>(
              PulseProcess.workerSettings(dataDir("quiet"), server, "quiet"))));
      try (Launched quiet = WorkerMode.start(quietSettings, 1);
          PulseProcess observed = PulseProcess.workerNode(dataDir("observed"), server, "observed", 1,
              Map.of("METRICS_PORT", String.valueOf(metricsPort)))) {
        assertFalse(quiet.vertx().isMetricsEnabled(), "no METRICS_PORT: no meters kept");
        try (Http metrics = new Http(metricsPort)) {
          // Vert.x starts the metrics server in the background: wait for it to listen.
          Http.Response response = Await.until(Duration.ofSeconds(30), "the worker node's /metrics", () -> {
            try {
              Http.Response answer = metrics.get("/metrics");
              return answer.status() == 200 ? answer : null;
            } catch (UncheckedIOException notListeningYet) {
              return null;
            }
          });
          assertTrue(response.body().contains("jvm_memory_used_bytes"), "the worker JVM's meters are served");
        }
      }
    }
  }

  private static Path dataDir(String name) {
    return TestDatabase.dataDir().resolve("worker-metrics-" + name + "-" + UUID.randomUUID());
  }
}
