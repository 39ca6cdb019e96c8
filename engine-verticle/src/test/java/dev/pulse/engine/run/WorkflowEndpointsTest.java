package dev.pulse.engine.run;

import static dev.pulse.engine.fixture.EngineFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.pulse.contracts.PulseException;
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

/** The workflow addresses: create, list, get, update, delete, with validation and events. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowEndpointsTest {

  private static final JsonObject DEFINITION = new JsonObject("{\"steps\":[{\"name\":\"Ask\",\"type\":\"prompt\","
      + "\"message\":\"Go?\",\"options\":[\"Yes\",\"No\"]}]}");

  private EngineFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new EngineFixture(vertx);
    fx.deployEngine();
  }

  private JsonObject create(String name) {
    return fx.engine.createWorkflow(new JsonObject().put("name", name).put("description", "d")
        .put("definition", DEFINITION).put("created_by", "admin")).await();
  }

  @Test
  void createdWorkflowIsStoredListedAndPublished() {
    JsonObject created = create("Deploy");
    String id = created.getString("id");
    assertNotNull(id);
    assertEquals("Deploy", created.getString("name"));
    assertEquals("d", created.getString("description"));
    assertEquals(DEFINITION, created.getJsonObject("definition"));
    assertEquals("admin", created.getString("created_by"));
    assertNotNull(created.getString("created_at"));
    assertEquals(created, fx.engine.getWorkflow(id).await());
    create("Backup");
    JsonArray all = fx.engine.listWorkflows().await().getJsonArray("workflows");
    assertEquals(List.of("Backup", "Deploy"), all.stream().map(w -> ((JsonObject) w).getString("name")).toList());
    EngineFixture.awaitTrue("events", 2_000, () -> fx.workflowEvents.size() == 2);
    assertEquals(new JsonObject().put("type", "workflow_created").put("workflow_id", id), fx.workflowEvents.get(0));
  }

  @Test
  void invalidWorkflowIsRefusedWithEveryProblem() {
    PulseException refused = failure(fx.engine.createWorkflow(new JsonObject().put("name", " ")
        .put("definition", new JsonObject("{\"steps\":[{\"type\":\"execute\",\"targets\":[],\"timeout\":-1},"
            + "{\"type\":\"prompt\",\"message\":\"?\",\"options\":[\"A\"],\"condition\":\"a ===\"}]}"))));
    assertEquals(400, refused.status());
    assertEquals("The workflow definition has 5 problem(s)", refused.getMessage());
    JsonArray problems = ((JsonObject) refused.details()).getJsonArray("problems");
    assertEquals(List.of("name", "steps[0].command", "steps[0].targets", "steps[0].timeout", "steps[1].condition"),
        problems.stream().map(p -> ((JsonObject) p).getString("path")).toList());
    assertEquals(0, fx.engine.listWorkflows().await().getJsonArray("workflows").size());
  }

  @Test
  void unknownWorkflowIsNotFoundForGetUpdateAndDelete() {
    assertEquals(404, failure(fx.engine.getWorkflow("nope")).status());
    assertEquals(404, failure(fx.engine.updateWorkflow(new JsonObject().put("id", "nope").put("name", "x")
        .put("definition", DEFINITION))).status());
    PulseException delete = failure(fx.engine.deleteWorkflow("nope"));
    assertEquals(404, delete.status());
    assertEquals("Workflow nope does not exist", delete.getMessage());
  }

  @Test
  void updateReplacesNameDescriptionAndDefinition() {
    String id = create("Old").getString("id");
    JsonObject definition = new JsonObject("{\"steps\":[{\"type\":\"wait\",\"duration\":5}]}");
    JsonObject updated = fx.engine.updateWorkflow(new JsonObject().put("id", id).put("name", "New")
        .put("definition", definition)).await();
    assertEquals("New", updated.getString("name"));
    assertEquals(null, updated.getString("description"));
    assertEquals(definition, updated.getJsonObject("definition"));
    assertEquals(400, failure(fx.engine.updateWorkflow(new JsonObject().put("id", id).put("name", "New")
        .put("definition", new JsonObject()))).status());
    EngineFixture.awaitTrue("update event", 2_000, () -> fx.workflowEvents.stream()
        .anyMatch(e -> "workflow_updated".equals(e.getString("type"))));
  }

  @Test
  void deleteIsRefusedWhileAnExecutionIsActive() {
    String id = create("Ask").getString("id");
    String execution = fx.start(id);
    fx.awaitStatus(execution, "waiting_for_input", 5_000);
    PulseException busy = failure(fx.engine.deleteWorkflow(id));
    assertEquals(409, busy.status());
    fx.engine.cancel(new JsonObject().put("id", execution).put("cancelled_by", "admin")).await();
    assertEquals(new JsonObject().put("id", id).put("deleted", true), fx.engine.deleteWorkflow(id).await());
    assertEquals(404, failure(fx.engine.getWorkflow(id)).status());
    EngineFixture.awaitTrue("delete event", 2_000, () -> fx.workflowEvents.stream()
        .anyMatch(e -> "workflow_deleted".equals(e.getString("type"))));
  }
}
