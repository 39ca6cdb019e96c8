package dev.pulse.engine.run;

import static dev.pulse.engine.fixture.EngineFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.engine.EngineVerticle;
import dev.pulse.engine.fixture.EngineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two engine nodes on one database: each execution has one driver, and the survivor takes over. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineFailoverTest {

  private static final String TWO_PROMPTS = "{\"steps\":["
      + "{\"name\":\"First\",\"type\":\"prompt\",\"message\":\"One?\",\"options\":[\"Yes\",\"No\"]},"
      + "{\"name\":\"Run\",\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"run\"},"
      + "{\"name\":\"Second\",\"type\":\"prompt\",\"message\":\"Two?\",\"options\":[\"Yes\",\"No\"]}]}";

  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.fleet.worker("web-01", "online");
  }

  private void answer(String id) {
    fx.engine.respond(new JsonObject().put("id", id).put("response", "Yes").put("responded_by", "bob")).await();
  }

  private Set<String> owners(List<String> ids) {
    Set<String> owners = new HashSet<>();
    ids.forEach(id -> owners.add(fx.column(id, "owner")));
    return owners;
  }

  @Test
  void survivorTakesOverWithinTenSecondsAndRequestsReachTheOwner() {
    EngineVerticle first = new EngineVerticle();
    EngineVerticle second = new EngineVerticle();
    String firstDeployment = fx.deploy(first);
    fx.deploy(second);
    String workflow = fx.workflow(TWO_PROMPTS);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(fx.start(workflow));
    }
    ids.forEach(id -> fx.awaitStatus(id, "waiting_for_input", 5_000));
    assertEquals(Set.of(first.nodeId(), second.nodeId()), owners(ids), "starts are spread over both nodes");

    // Answers and results reach either node; the owner advances each execution exactly once.
    ids.forEach(this::answer);
    ids.forEach(id -> fx.awaitStatus(id, "waiting_for_input", 5_000));
    ids.forEach(id -> assertEquals("completed", fx.execution(id).getJsonArray("steps").getJsonObject(1)
        .getString("status")));
    assertEquals(6, fx.fleet.dispatches.size());

    long stopped = System.currentTimeMillis();
    fx.undeploy(firstDeployment);
    EngineFixture.awaitTrue("the second node owns everything", 10_000,
        () -> owners(ids).equals(Set.of(second.nodeId())));
    long tookMs = System.currentTimeMillis() - stopped;
    assertTrue(tookMs < 10_000, "takeover took " + tookMs + " ms");

    ids.forEach(this::answer);
    ids.forEach(id -> fx.awaitStatus(id, "completed", 5_000));
    assertEquals(6, fx.fleet.dispatches.size());
  }

  @Test
  void resultsReachingTheOtherNodeStillAdvanceTheOwner() {
    EngineVerticle first = new EngineVerticle();
    EngineVerticle second = new EngineVerticle();
    fx.with("ENGINE_RECONCILE_INTERVAL_MS", 60_000).deploy(first);
    fx.deploy(second);
    String workflow = fx.workflow("{\"steps\":[{\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"a\"},"
        + "{\"type\":\"execute\",\"targets\":[\"web-01\"],\"command\":\"b\"}]}");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(fx.start(workflow));
    }
    long began = System.currentTimeMillis();
    ids.forEach(id -> fx.awaitStatus(id, "completed", 10_000));
    long took = System.currentTimeMillis() - began;
    assertTrue(took < 5_000, "results were only picked up by the periodic re-read: " + took + " ms");
    assertEquals(16, fx.fleet.dispatches.size());
  }

  @Test
  void deadOwnersLeaseIsTakenOverOnceItRunsOut() {
    String engine = fx.deployEngine();
    String id = fx.start(fx.workflow(TWO_PROMPTS));
    fx.awaitStatus(id, "waiting_for_input", 5_000);
    fx.undeploy(engine);
    // As if its node had died right after renewing: an owner that no longer answers, a lease of 6 s.
    fx.pool.preparedQuery("UPDATE executions SET owner = ?, lease_until = TIMESTAMPADD(SECOND, 6, NOW(3))"
        + " WHERE id = ?").execute(Tuple.of("dead-node", id)).await();

    EngineVerticle survivor = new EngineVerticle();
    long began = System.currentTimeMillis();
    fx.deploy(survivor);
    JsonObject answer = new JsonObject().put("id", id).put("response", "Yes");
    assertEquals(503, failure(fx.engine.respond(answer)).status());
    EngineFixture.awaitTrue("takeover", 10_000, () -> survivor.nodeId().equals(fx.column(id, "owner")));
    long took = System.currentTimeMillis() - began;
    assertTrue(took >= 4_000 && took < 10_000, "took over after " + took + " ms");

    answer(id);
    fx.awaitStatus(id, "waiting_for_input", 5_000);
    answer(id);
    fx.awaitStatus(id, "completed", 5_000);
  }
}
