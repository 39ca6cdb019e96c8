package dev.pulse.engine.run;

import static dev.pulse.engine.fixture.EngineFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.CommandDispatch;
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

/** An engine stopped mid-execution and a new one deployed: the execution finishes, nothing runs twice. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineRestartTest {

  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.fleet.worker("web-01", "online", "web");
    fx.fleet.worker("web-02", "online", "web");
  }

  @Test
  void restartMidStepNeverDispatchesAgain() {
    String engine = fx.deployEngine();
    String id = fx.start(fx.workflow("{\"steps\":["
        + "{\"name\":\"Long\",\"type\":\"execute\",\"targets\":[\"web\"],\"command\":\"hold\"},"
        + "{\"name\":\"After\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"after\"}]}"));
    EngineFixture.awaitTrue("both commands held", 10_000, () -> fx.fleet.held().size() == 2);
    EngineFixture.awaitTrue("both accepted", 5_000, () -> fx.commandStatuses(id).equals(
        List.of("accepted", "accepted")));
    fx.undeploy(engine);
    assertNull(fx.column(id, "owner"));

    List<CommandDispatch> held = fx.fleet.held();
    fx.fleet.release(held.get(0).commandId(), 0, "done while no engine ran");
    fx.deployEngine();
    fx.fleet.release(held.get(1).commandId(), 0, "done after the restart");
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);

    for (CommandDispatch dispatch : fx.fleet.dispatches) {
      assertEquals(1, fx.fleet.dispatchCount(dispatch.commandId()), dispatch.command());
    }
    assertEquals(3, fx.fleet.dispatches.size());
    assertTrue(EngineFixture.logEvents(done).contains("execution_resumed"));
    assertEquals(List.of("completed", "completed", "completed"), fx.commandStatuses(id));
  }

  @Test
  void restartMidPromptKeepsThePromptPending() {
    String engine = fx.deployEngine();
    String id = fx.start(fx.workflow("{\"steps\":[{\"name\":\"Ask\",\"type\":\"prompt\",\"message\":\"Go?\","
        + "\"options\":[\"Yes\",\"No\"]},{\"name\":\"Run\",\"type\":\"execute\",\"targets\":[\"web-01\"],"
        + "\"command\":\"go\",\"condition\":\"promptResponse === 'Yes'\"}]}"));
    fx.awaitStatus(id, "waiting_for_input", 5_000);
    fx.undeploy(engine);
    assertEquals(503, failure(fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes"))).status());

    fx.deployEngine();
    JsonObject waiting = fx.awaitStatus(id, "waiting_for_input", 5_000);
    assertEquals("Go?", waiting.getJsonObject("prompt").getString("message"));
    fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes").put("responded_by", "bob")).await();
    fx.awaitStatus(id, "completed", 5_000);
    assertEquals(List.of("go@id-web-01"), fx.commands(id));
  }

  @Test
  void restartMidWaitResumesWithTheTimeLeft() {
    String engine = fx.deployEngine();
    long began = System.currentTimeMillis();
    String id = fx.start(fx.workflow("{\"steps\":[{\"name\":\"Pause\",\"type\":\"wait\",\"duration\":4000}]}"));
    EngineFixture.awaitTrue("wait started", 5_000, () -> fx.execution(id).getJsonArray("steps").getJsonObject(0)
        .getString("wake_at") != null);
    String wakeAt = fx.execution(id).getJsonArray("steps").getJsonObject(0).getString("wake_at");
    EngineFixture.sleep(2_000);
    fx.undeploy(engine);
    fx.deployEngine();
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);
    long took = System.currentTimeMillis() - began;
    assertTrue(took >= 4_000, "finished after " + took + " ms");
    assertTrue(took < 5_600, "a restarted wait would end after 6000 ms; ended after " + took + " ms");
    assertEquals(wakeAt, done.getJsonArray("steps").getJsonObject(0).getString("wake_at"));
  }
}
