package dev.pulse.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.contracts.BusClient;
import dev.pulse.contracts.BusPolicy;
import dev.pulse.contracts.EngineClient;
import dev.pulse.contracts.EngineInternal;
import dev.pulse.contracts.PulseException;
import dev.pulse.contracts.signing.BusGrants;
import dev.pulse.contracts.signing.DispatchKeys;
import dev.pulse.engine.fixture.EngineFixture;
import dev.pulse.engine.fixture.FakeFleet;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine authorises changes itself: a process that is merely on the bus gets 401, a grant for
 * the wrong role 403, and neither changes anything; reads need no grant.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BusAuthorisationTest {

  private static final String STEPS = "{\"steps\":[{\"name\":\"Ask\",\"type\":\"prompt\",\"message\":\"Go?\","
      + "\"options\":[\"Yes\",\"No\"]}]}";

  private EngineFixture fx;
  private EngineClient stranger;
  private EngineClient employee;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.deployEngine();
    stranger = new EngineClient(vertx.eventBus(), 5_000);
    employee = stranger.as(new BusClient.Grant(BusGrants.fromDispatchKey(FakeFleet.DISPATCH_KEYS.getPrivate()),
        "eve", BusPolicy.EMPLOYEE));
  }

  @Test
  void aRequestWithoutAGrantChangesNothing() {
    String workflow = fx.workflow(STEPS);
    PulseException refused = EngineFixture.failure(stranger.deleteWorkflow(workflow));
    assertEquals(401, refused.status());
    assertEquals("Refused: the request carries no grant", refused.getMessage());
    assertEquals(401, EngineFixture.failure(stranger.startExecution(new JsonObject().put("workflow_id", workflow)))
        .status());
    assertEquals(401, EngineFixture.failure(stranger.createWorkflow(new JsonObject().put("name", "rogue")
        .put("definition", new JsonObject(STEPS)))).status());
    assertEquals("wf", stranger.getWorkflow(workflow).await().getString("name"), "reads need no grant");
    assertEquals(1, stranger.listWorkflows().await().getJsonArray("workflows").size(), "nothing was created");
  }

  @Test
  void aGrantMadeWithAnotherKeyIsRefused() {
    String workflow = fx.workflow(STEPS);
    EngineClient forger = stranger.as(new BusClient.Grant(
        BusGrants.fromDispatchKey(DispatchKeys.generate().getPrivate()), "mallory", BusPolicy.ADMIN));
    assertEquals(401, EngineFixture.failure(forger.deleteWorkflow(workflow)).status());
    assertEquals("wf", fx.engine.getWorkflow(workflow).await().getString("name"));
  }

  @Test
  void anEmployeeMayRunAndAnswerButNotDelete() {
    String workflow = fx.workflow(STEPS);
    PulseException refused = EngineFixture.failure(employee.deleteWorkflow(workflow));
    assertEquals(403, refused.status());
    String id = employee.startExecution(new JsonObject().put("workflow_id", workflow).put("started_by", "eve"))
        .await().getString("id");
    fx.awaitStatus(id, "waiting_for_input", 10_000);
    assertEquals(401, EngineFixture.failure(stranger.respond(new JsonObject().put("id", id).put("response", "Yes")))
        .status());
    assertEquals("waiting_for_input", fx.execution(id).getString("status"));
    employee.respond(new JsonObject().put("id", id).put("response", "Yes").put("responded_by", "eve")).await();
    fx.awaitStatus(id, "completed", 10_000);
  }

  @Test
  void anEngineNodesInternalAddressTakesOnlyServerGrants() {
    String workflow = fx.workflow(STEPS);
    String id = fx.start(workflow);
    fx.awaitStatus(id, "waiting_for_input", 10_000);
    String owner = fx.column(id, "owner");
    JsonObject forward = new JsonObject().put("id", id).put("op", "cancel").put("cancelled_by", "mallory");
    assertEquals(401, EngineFixture.failure(stranger.request(EngineInternal.engineNode(owner), forward, "engine"))
        .status());
    assertEquals(403, EngineFixture.failure(employee.request(EngineInternal.engineNode(owner), forward, "engine"))
        .status());
    assertEquals("waiting_for_input", fx.execution(id).getString("status"));
  }
}
