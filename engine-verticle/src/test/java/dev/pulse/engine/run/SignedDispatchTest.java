package dev.pulse.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.ConfigException;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.engine.EngineVerticle;
import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The engine signs every command and cancel for its worker; workers refuse an engine with another key. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignedDispatchTest {

  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.fleet.worker("web-01", "online", "web");
    fx.fleet.worker("web-02", "online", "web");
  }

  @Test
  void everyStepCommandAndCancelIsSignedForItsWorker() {
    fx.deployEngine();
    long before = System.currentTimeMillis();
    String done = fx.start(fx.workflow("{\"steps\":[{\"name\":\"Up\",\"type\":\"execute\",\"targets\":[\"web\"],"
        + "\"command\":\"uptime\"}]}"));
    fx.awaitStatus(done, "completed", 10_000);
    String cancelled = fx.start(fx.workflow("{\"steps\":[{\"name\":\"Hold\",\"type\":\"execute\","
        + "\"targets\":[\"web-01\"],\"command\":\"hold\"}]}"));
    EngineFixture.awaitTrue("the held command", 10_000, () -> !fx.fleet.held().isEmpty());
    fx.engine.cancel(new JsonObject().put("id", cancelled).put("cancelled_by", "carol")).await();
    EngineFixture.awaitTrue("the cancel", 5_000, () -> !fx.fleet.controls.isEmpty());

    assertEquals(java.util.List.of(), fx.fleet.refusals, "the fake workers verify like real ones");
    assertEquals(3, fx.fleet.dispatches.size());
    for (CommandDispatch dispatch : fx.fleet.dispatches) {
      assertTrue(dispatch.signature() != null && dispatch.issuedAt() >= before, dispatch.toString());
    }
  }

  @Test
  void engineSigningWithAnotherKeyIsRefusedByTheWorkerAndTheStepFails() {
    fx.with("DISPATCH_PRIVATE_KEY", DispatchKeys.base64(DispatchKeys.generate().getPrivate())).deployEngine();
    String id = fx.start(fx.workflow("{\"steps\":[{\"name\":\"Up\",\"type\":\"execute\",\"targets\":[\"web-01\"],"
        + "\"command\":\"uptime\"}]}"));
    JsonObject failed = fx.awaitStatus(id, "failed", 10_000);
    String error = failed.getJsonArray("steps").getJsonObject(0).getJsonArray("results").getJsonObject(0)
        .getString("error");
    assertTrue(error.contains("refused: invalid signature"), error);
    assertEquals(java.util.List.of("refused: invalid signature"), fx.fleet.refusals);
    assertEquals(0, fx.fleet.dispatches.size());
  }

  @Test
  void engineWithoutADispatchKeyDoesNotStart() {
    fx.with("DISPATCH_PRIVATE_KEY", "");
    Exception failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> fx.deploy(new EngineVerticle()));
    assertTrue(failure instanceof ConfigException, failure.toString());
    assertTrue(failure.getMessage().startsWith("DISPATCH_PRIVATE_KEY is required"), failure.getMessage());
  }
}
