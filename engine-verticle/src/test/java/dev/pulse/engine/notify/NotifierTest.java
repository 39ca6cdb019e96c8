package dev.pulse.engine.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Webhooks get the events they asked for, in their format; a dead endpoint changes nothing. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NotifierTest {

  private final List<Map.Entry<String, JsonObject>> received = new CopyOnWriteArrayList<>();
  private EngineFixture fx;
  private int port;
  private String engine;

  @BeforeEach
  void setUp(Vertx vertx) {
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(Map.entry(request.path(), body.toJsonObject()));
      request.response().setStatusCode(request.path().equals("/broken") ? 500 : 204).end();
    }));
    port = server.listen(0, "127.0.0.1").await().actualPort();
    fx = new EngineFixture(vertx).with("PUBLIC_URL", "https://pulse.example.com");
    fx.fleet.worker("web-01", "online");
    engine = fx.deployEngine();
  }

  private String hook(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private List<JsonObject> at(String path) {
    return received.stream().filter(e -> e.getKey().equals(path)).map(Map.Entry::getValue).toList();
  }

  @Test
  void eachWebhookGetsItsEventsInItsFormatAndDeadOnesDoNotHoldTheRun() {
    String workflow = fx.workflow("{\"steps\":[{\"name\":\"Ask\",\"type\":\"prompt\",\"message\":\"Go?\","
        + "\"options\":[\"Yes\",\"No\"]},{\"name\":\"Break\",\"type\":\"execute\",\"targets\":[\"web-01\"],"
        + "\"command\":\"exit 3\"}],\"notify\":["
        + "{\"url\":\"" + hook("/generic") + "\"},"
        + "{\"url\":\"" + hook("/slack") + "\",\"on\":[\"failed\"],\"format\":\"slack\"},"
        + "{\"url\":\"" + hook("/discord") + "\",\"on\":[\"completed\"],\"format\":\"discord\"},"
        + "{\"url\":\"" + hook("/broken") + "\"},"
        + "{\"url\":\"http://127.0.0.1:1/nobody-listens\"}]}");
    String id = fx.start(workflow);
    fx.awaitStatus(id, "waiting_for_input", 10_000);
    EngineFixture.awaitTrue("the prompt notification", 5_000, () -> !at("/generic").isEmpty());
    JsonObject prompt = at("/generic").get(0);
    assertEquals("execution.prompt", prompt.getString("event"));
    assertEquals("Go?", prompt.getJsonObject("prompt").getString("message"));
    assertEquals("https://pulse.example.com/#/executions/" + id, prompt.getString("url"));

    fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes").put("responded_by", "bob")).await();
    fx.awaitStatus(id, "failed", 10_000);
    EngineFixture.awaitTrue("the failure notifications", 5_000, () -> at("/generic").size() == 2
        && at("/slack").size() == 1);
    JsonObject failed = at("/generic").get(1);
    assertEquals("execution.failed", failed.getString("event"));
    assertEquals("failed", failed.getString("status"));
    assertTrue(failed.getString("error").startsWith("Step 'Break' failed"), failed.encode());
    assertEquals(id, failed.getString("execution_id"));
    String slack = at("/slack").get(0).getString("text");
    assertTrue(slack.startsWith("PULSE: 'wf' failed: Step 'Break' failed") && slack.endsWith("/#/executions/" + id),
        slack);
    assertEquals(List.of(), at("/discord"), "discord asked for completions only");
    assertEquals(2, at("/broken").size(), "a 500 is logged, not retried, and changes nothing");
  }

  @Test
  void anExecutionTakenOverByAnotherEngineStillNotifies() {
    String workflow = fx.workflow("{\"steps\":[{\"name\":\"Ask\",\"type\":\"prompt\",\"message\":\"Go?\","
        + "\"options\":[\"Yes\",\"No\"]}],\"notify\":[{\"url\":\"" + hook("/done") + "\",\"on\":[\"completed\"]}]}");
    String id = fx.start(workflow);
    fx.awaitStatus(id, "waiting_for_input", 10_000);
    fx.undeploy(engine);
    fx.deployEngine();
    fx.awaitStatus(id, "waiting_for_input", 10_000);

    fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes").put("responded_by", "bob")).await();
    fx.awaitStatus(id, "completed", 10_000);
    EngineFixture.awaitTrue("the completion notification", 5_000, () -> at("/done").size() == 1);
    assertEquals("execution.completed", at("/done").get(0).getString("event"));
  }

  @Test
  void onlyADefinitionWithHooksIsWatched() {
    assertTrue(Notifier.subscribes(new JsonObject("{\"notify\":[{\"url\":\"http://x\"}]}")));
    assertFalse(Notifier.subscribes(new JsonObject("{\"steps\":[]}")));
    assertFalse(Notifier.subscribes(new JsonObject("{\"notify\":[]}")));
    assertFalse(Notifier.subscribes(null));
  }
}
