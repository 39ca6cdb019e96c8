package dev.pulse.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The spec's interactive system update, answered Yes and No, on two workers. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InteractiveUpdateTest {

  static final String EXAMPLE = """
      {"steps":[
       {"name":"Update package list","type":"execute","targets":["all"],"command":"apt update"},
       {"name":"User approval","type":"prompt","message":"Packages updated. Proceed with upgrade?","options":["Yes","No"]},
       {"name":"Upgrade packages","type":"execute","targets":["all"],"command":"apt upgrade -y","condition":"promptResponse === 'Yes'"},
       {"name":"Reboot confirmation","type":"prompt","message":"Upgrade complete. Reboot servers?","options":["Yes","No"]},
       {"name":"Reboot servers","type":"execute","targets":["all"],"command":"reboot","condition":"promptResponse === 'Yes'"}]}""";

  private EngineFixture fx;
  private String workflow;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.fleet.worker("web-01", "online", "web");
    fx.fleet.worker("web-02", "busy", "web");
    fx.fleet.worker("db-01", "offline", "db");
    fx.deployEngine();
    workflow = fx.workflow(EXAMPLE);
  }

  private JsonObject answer(String id, String response) {
    JsonObject waiting = fx.awaitStatus(id, "waiting_for_input", 10_000);
    JsonObject reply = fx.engine.respond(new JsonObject().put("id", id).put("response", response)
        .put("responded_by", "bob")).await();
    assertEquals(id, reply.getString("id"));
    return waiting;
  }

  @Test
  void answeringYesTwiceRunsEveryStepOnOnlineWorkers() {
    String id = fx.start(workflow);
    JsonObject firstPrompt = answer(id, "Yes");
    assertEquals(new JsonObject().put("message", "Packages updated. Proceed with upgrade?")
        .put("options", new JsonArray().add("Yes").add("No")).put("step", 1).put("name", "User approval"),
        firstPrompt.getJsonObject("prompt"));
    answer(id, "Yes");
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);

    assertEquals(List.of("apt update@id-web-01", "apt update@id-web-02", "apt upgrade -y@id-web-01",
        "apt upgrade -y@id-web-02", "reboot@id-web-01", "reboot@id-web-02"), sorted(fx.commands(id)));
    JsonArray steps = done.getJsonArray("steps");
    for (int i = 0; i < 5; i++) {
      assertEquals("completed", steps.getJsonObject(i).getString("status"), "step " + i);
    }
    JsonObject result = steps.getJsonObject(0).getJsonArray("results").getJsonObject(0);
    assertEquals(0, result.getInteger("exit_code"));
    assertEquals("ran: apt update", result.getString("stdout"));
    assertEquals("", result.getString("stderr"));
    assertEquals(false, result.getBoolean("timed_out"));
    assertNotNull(result.getLong("duration"));
    assertEquals("Yes", done.getString("prompt_response"));
    assertEquals(2, done.getJsonArray("prompts").size());
    assertEquals("bob", done.getJsonArray("prompts").getJsonObject(0).getString("responded_by"));
    assertNull(done.getJsonObject("prompt"));
    assertEquals("alice", done.getString("started_by"));
    assertNotNull(done.getString("started_at"));
    assertNotNull(done.getString("completed_at"));
    assertEquals(new JsonObject(EXAMPLE), done.getJsonObject("definition"));

    // A decision is stored before its events go out, so the final event may trail the stored status.
    EngineFixture.awaitTrue("the completed event", 5_000, () -> "completed".equals(fx.events.stream()
        .filter(e -> id.equals(e.getString("execution_id")) && "execution_status".equals(e.getString("type")))
        .reduce((a, b) -> b).map(e -> e.getString("status")).orElse(null)));
    List<String> events = fx.eventTypes(id);
    assertEquals("execution_started", events.get(0));
    assertEquals(2, events.stream().filter("execution_prompt"::equals).count());
    assertTrue(events.contains("step_started") && events.contains("step_finished"));
    List<String> logs = EngineFixture.logEvents(done);
    assertEquals("execution_started", logs.get(0));
    assertEquals("execution_completed", logs.get(logs.size() - 1));
    assertEquals(2, logs.stream().filter("prompt_answered"::equals).count());
    assertTrue(done.getJsonArray("logs").getJsonObject(0).getString("timestamp").endsWith("Z"));
  }

  @Test
  void answeringNoSkipsUpgradeAndReboot() {
    String id = fx.start(workflow);
    answer(id, "No");
    answer(id, "No");
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);
    assertEquals(List.of("apt update@id-web-01", "apt update@id-web-02"), sorted(fx.commands(id)));
    JsonArray steps = done.getJsonArray("steps");
    assertEquals("skipped", steps.getJsonObject(2).getString("status"));
    assertEquals("skipped", steps.getJsonObject(4).getString("status"));
    assertEquals("No", done.getString("prompt_response"));
    assertEquals(2, EngineFixture.logEvents(done).stream().filter("step_skipped"::equals).count());
  }

  @Test
  void answeringYesThenNoUpgradesWithoutReboot() {
    String id = fx.start(workflow);
    answer(id, "Yes");
    answer(id, "No");
    JsonObject done = fx.awaitStatus(id, "completed", 10_000);
    assertEquals(4, fx.commands(id).size());
    assertEquals("completed", done.getJsonArray("steps").getJsonObject(2).getString("status"));
    assertEquals("skipped", done.getJsonArray("steps").getJsonObject(4).getString("status"));
  }

  private static List<String> sorted(List<String> list) {
    return list.stream().sorted().toList();
  }
}
