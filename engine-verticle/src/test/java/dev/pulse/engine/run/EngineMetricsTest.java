package dev.pulse.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.fixture.EngineFixture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The engine's meters count what executions really did, read back from a real meter registry. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineMetricsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    Metrics.addRegistry(meters);
    fx = new EngineFixture(vertx);
    fx.fleet.worker("web-01", "online");
  }

  @AfterEach
  void tearDown() {
    Metrics.removeRegistry(meters);
  }

  private double executions(String status) {
    Counter counter = meters.find("pulse.executions").tag("status", status).counter();
    return counter == null ? 0 : counter.count();
  }

  private double active() {
    return meters.find("pulse.executions.active").gauges().stream().mapToDouble(Gauge::value).sum();
  }

  @Test
  void endedExecutionsStepDurationsAndPromptWaitsAreCounted() {
    fx.deployEngine();
    String prompted = fx.start(fx.workflow("{\"steps\":["
        + "{\"name\":\"Ask\",\"type\":\"prompt\",\"message\":\"Go?\",\"options\":[\"Yes\",\"No\"]},"
        + "{\"name\":\"Nap\",\"type\":\"wait\",\"duration\":300},"
        + "{\"name\":\"Run\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"echo ok\"}]}"));
    fx.awaitStatus(prompted, "waiting_for_input", 10_000);
    assertEquals(1.0, active(), "the waiting execution is active on this engine");
    EngineFixture.sleep(400);
    fx.engine.respond(new JsonObject().put("id", prompted).put("response", "Yes").put("responded_by", "bob")).await();
    fx.awaitStatus(prompted, "completed", 10_000);
    String broken = fx.start(fx.workflow("{\"steps\":["
        + "{\"name\":\"Break\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"exit 3\"}]}"));
    fx.awaitStatus(broken, "failed", 10_000);

    EngineFixture.awaitTrue("both ends counted", 5_000, () -> executions("completed") == 1 && executions("failed") == 1);
    Timer prompt = meters.find("pulse.prompt.wait").timer();
    assertEquals(1, prompt.count());
    assertTrue(prompt.totalTime(TimeUnit.MILLISECONDS) >= 400, "waited " + prompt.totalTime(TimeUnit.MILLISECONDS));
    Timer waited = meters.find("pulse.step.duration").tag("type", "wait").tag("status", "completed").timer();
    assertEquals(1, waited.count());
    assertTrue(waited.totalTime(TimeUnit.MILLISECONDS) >= 300, "wait step took " + waited.totalTime(TimeUnit.MILLISECONDS));
    assertEquals(1, meters.find("pulse.step.duration").tag("type", "execute").tag("status", "completed").timer().count());
    assertEquals(1, meters.find("pulse.step.duration").tag("type", "execute").tag("status", "failed").timer().count());
    EngineFixture.awaitTrue("no execution left active", 5_000, () -> active() == 0.0);
  }
}
