package dev.pulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fleet meters follow what heartbeats report and what the sweep decides. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryMetricsTest {

  private static final String KEY = RegistryHarness.SHARED_KEY;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void tearDown() {
    Metrics.removeRegistry(meters);
  }

  private double gauge(String name, String status) {
    RequiredSearch search = meters.get(name);
    return (status == null ? search : search.tag("status", status)).gauge().value();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void workersByStatusCommandsAndHeartbeatLagAreMeasured(Vertx vertx) throws InterruptedException {
    Metrics.addRegistry(meters);
    RegistryHarness registry = RegistryHarness.start(vertx, new JsonObject().put("HEARTBEAT_INTERVAL_MS", 300)
        .put("OFFLINE_AFTER_MISSED", 3));
    registry.connect("w-1", "web-01", KEY).await();
    registry.connect("w-2", "web-02", KEY).await();
    registry.heartbeat("w-1", "web-01", KEY, new JsonObject().put("tasks_running", 2).put("tasks_queued", 0)
        .put("max_concurrent", 2)).await();
    registry.heartbeat("w-2", "web-02", KEY, new JsonObject().put("tasks_running", 1).put("tasks_queued", 4)
        .put("max_concurrent", 5)).await();
    await("one busy and one online worker", () -> gauge("pulse.workers", "busy") == 1
        && gauge("pulse.workers", "online") == 1);
    assertEquals(3.0, gauge("pulse.commands.in.flight", null));
    assertEquals(4.0, gauge("pulse.commands.queued", null));

    Timer lag = meters.get("pulse.heartbeat.lag").timer();
    long count = lag.count();
    double total = lag.totalTime(TimeUnit.MILLISECONDS);
    Thread.sleep(500);  // 200 ms later than the 300 ms interval
    registry.heartbeat("w-2", "web-02", KEY, new JsonObject().put("tasks_running", 0)).await();
    assertEquals(count + 1, lag.count());
    double late = lag.totalTime(TimeUnit.MILLISECONDS) - total;
    assertTrue(late >= 150 && late < 5_000, "lag " + late + " ms");

    // w-1 stays silent: offline after 3 missed heartbeats, and its commands no longer count.
    await("web-01 offline", () -> gauge("pulse.workers", "offline") == 1);
    await("only live workers' commands counted", () -> gauge("pulse.commands.in.flight", null) == 0);
  }
}
