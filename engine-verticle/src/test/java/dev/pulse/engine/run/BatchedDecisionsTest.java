package dev.pulse.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.contracts.CommandDispatch;
import dev.pulse.contracts.ErrorCodes;
import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events that arrive together are decided and stored together; each still counts once and gets
 * its own answer.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchedDecisionsTest {

  private static final int FLEET = 60;
  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    for (int i = 1; i <= FLEET; i++) {
      fx.fleet.worker(String.format("node-%02d", i), "online", "fleet");
    }
    fx.deployEngine();
  }

  @Test
  void sixtyResultsArrivingAtOnceEachEndTheirTargetOnce() {
    String id = fx.start(fx.workflow("{\"steps\":[{\"name\":\"Fan out\",\"type\":\"execute\",\"targets\":[\"fleet\"],"
        + "\"command\":\"hold\"},{\"name\":\"After\",\"type\":\"wait\",\"duration\":1}]}"));
    EngineFixture.awaitTrue(FLEET + " held commands", 20_000, () -> fx.fleet.held().size() == FLEET);
    List<CommandDispatch> held = fx.fleet.held();
    for (int i = 0; i < held.size(); i++) {
      fx.fleet.release(held.get(i).commandId(), i == 7 ? 3 : 0, "out " + i);
    }
    JsonObject done = fx.awaitStatus(id, "failed", 20_000);

    List<String> events = EngineFixture.logEvents(done);
    assertEquals(FLEET, events.stream().filter("target_finished"::equals).count());
    assertEquals(1, events.stream().filter("step_finished"::equals).count(), "the step ended once");
    assertTrue(done.getString("error").contains("failed on 1 of " + FLEET + " worker(s)"), done.getString("error"));
    JsonObject step = done.getJsonArray("steps").getJsonObject(0);
    assertEquals(FLEET, step.getJsonArray("results").size());
    assertEquals(FLEET, fx.commandStatuses(id).size());
  }

  @Test
  void aRejectedAnswerFailsOnlyItselfWhenItArrivesWithAGoodOne() {
    String id = fx.start(fx.workflow("{\"steps\":[{\"name\":\"Ask\",\"type\":\"prompt\",\"message\":\"Go?\","
        + "\"options\":[\"Yes\",\"No\"]}]}"));
    fx.awaitStatus(id, "waiting_for_input", 10_000);
    Future<JsonObject> bad = fx.engine.respond(new JsonObject().put("id", id).put("response", "Maybe")
        .put("responded_by", "bob"));
    Future<JsonObject> good = fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes")
        .put("responded_by", "carol"));
    Future<JsonObject> late = fx.engine.respond(new JsonObject().put("id", id).put("response", "No")
        .put("responded_by", "dave"));
    assertEquals("completed", good.await().getString("status"));
    assertEquals(ErrorCodes.BAD_REQUEST, EngineFixture.failure(bad).status());
    assertEquals(ErrorCodes.CONFLICT, EngineFixture.failure(late).status());
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);
    assertEquals("carol", done.getJsonArray("prompts").getJsonObject(0).getString("responded_by"));
  }
}
