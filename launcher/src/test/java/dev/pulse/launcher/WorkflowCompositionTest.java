package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Parallel branches, sub-workflows and a step's own onFailure steps, through the REST API with
 * two real workers: each runs as a child execution of its own, linked to its parent.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WorkflowCompositionTest {

  private static final Duration LIMIT = Duration.ofSeconds(40);
  private static TwoWorkerDevMode fleet;
  private static Http http;
  private static ApiDriver api;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    fleet = TwoWorkerDevMode.start("compose");
    http = fleet.http();
    api = fleet.api();
    dir = fleet.dir();
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  private static JsonObject on(String worker, String name, String command) {
    return ApiDriver.execute(name, command).put("targets", new JsonArray().add(worker));
  }

  private static JsonObject branch(String name, JsonObject... steps) {
    return new JsonObject().put("name", name).put("steps", new JsonArray(List.of((Object[]) steps)));
  }

  /** A command that marks {@code mine}, then waits (at most 10 s) for {@code other}: only concurrent branches pass. */
  private static String rendezvous(Path mine, Path other, String says) {
    return "touch '" + mine + "'; for i in $(seq 100); do [ -f '" + other + "' ] && break; sleep 0.1; done;"
        + " [ -f '" + other + "' ] && echo " + says;
  }

  private static JsonArray children(JsonObject execution, int step) {
    return execution.getJsonArray("steps").getJsonObject(step).getJsonArray("children");
  }

  @Test
  void branchesRunAtOnceJoinAndHandTheirOutputsOn() throws Exception {
    Path a = dir.resolve("a-" + UUID.randomUUID());
    Path b = dir.resolve("b-" + UUID.randomUUID());
    Path out = dir.resolve("joined-" + UUID.randomUUID());
    String workflow = api.createWorkflow(new JsonObject().put("name", "fan out").put("definition", new JsonObject()
        .put("steps", new JsonArray()
            .add(new JsonObject().put("name", "Both").put("type", "parallel").put("branches", new JsonArray()
                .add(branch("web", on("alpha", "a", rendezvous(a, b, "from-web")).put("output", "web")))
                .add(branch("db", on("beta", "b", rendezvous(b, a, "from-db")).put("output", "db")))))
            .add(on("alpha", "report", "echo ${vars.web} ${vars.db} > '" + out + "'")))));
    String execution = api.start(workflow);
    JsonObject done = api.awaitStatus(execution, "completed", LIMIT);

    assertEquals(List.of("from-web from-db"), Files.readAllLines(out), "both branches ran at once and joined");
    JsonArray children = children(done, 0);
    assertEquals(List.of("web", "db"), children.stream().map(c -> ((JsonObject) c).getString("key")).toList());
    String web = children.getJsonObject(0).getString("execution_id");
    JsonObject child = api.execution(web);
    assertEquals("completed", child.getString("status"));
    assertEquals(execution, child.getString("parent_execution_id"));
    assertEquals("fan out › Both › web", child.getString("workflow_name"));
    assertEquals("ada", child.getString("started_by"), "a branch runs for whoever started its parent");
    JsonArray listed = new JsonArray(http.get("/api/executions?workflow_id=" + workflow, ApiDriver.ADMIN).body());
    assertEquals(3, listed.size(), "the parent and its two branches: " + listed.encode());
  }

  @Test
  void aFailedBranchFailsTheRunOnceTheOtherEndsAndAResumeRerunsOnlyIt() throws Exception {
    Path ran = dir.resolve("ran-" + UUID.randomUUID());
    Path gate = dir.resolve("gate-" + UUID.randomUUID());
    String workflow = api.createWorkflow(new JsonObject().put("name", "half fails").put("definition",
        new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("name", "Both").put("type", "parallel")
            .put("branches", new JsonArray()
                .add(branch("steady", on("alpha", "work", "sleep 1; echo steady >> '" + ran + "'")))
                .add(branch("gated", on("beta", "gate", "test -f '" + gate + "' || exit 7"))))))));
    String execution = api.start(workflow);
    JsonObject failed = api.awaitStatus(execution, "failed", LIMIT);
    assertEquals(List.of("steady"), Files.readAllLines(ran), "the other branch finished before the join failed");
    assertTrue(failed.getString("error").startsWith("Step 'Both' failed: branch 'gated' failed"),
        failed.getString("error"));

    Files.createFile(gate);
    Http.Response resumed = http.post("/api/executions/" + execution + "/resume", null, ApiDriver.ADMIN);
    assertEquals(200, resumed.status(), resumed.body());
    JsonObject done = api.awaitStatus(execution, "completed", LIMIT);
    assertEquals(List.of("steady"), Files.readAllLines(ran), "the completed branch did not run again");
    assertTrue(done.getJsonArray("logs").encode().contains("branch_kept"));

    String firstGated = children(failed, 0).getJsonObject(1).getString("execution_id");
    Http.Response child = http.post("/api/executions/" + firstGated + "/resume", null, ApiDriver.ADMIN);
    assertEquals(409, child.status(), child.body());
    assertTrue(child.json().getString("error").endsWith("resume that execution instead"), child.body());
  }

  @Test
  void aWorkflowStepRunsAnotherWorkflowWithParamsAndWaitsForItsPrompt() throws Exception {
    Path out = dir.resolve("sub-" + UUID.randomUUID());
    String greeter = api.createWorkflow(new JsonObject().put("name", "greeter").put("definition", new JsonObject()
        .put("params", new JsonObject().put("who", new JsonObject().put("type", "string").put("required", true)))
        .put("steps", new JsonArray()
            .add(new JsonObject().put("name", "Ask").put("type", "prompt").put("message", "Greet ${params.who}?")
                .put("options", new JsonArray().add("Yes").add("No")))
            .add(on("alpha", "greet", "echo hello ${params.who}").put("output", "greeting")))));
    String caller = api.createWorkflow(new JsonObject().put("name", "caller").put("definition", new JsonObject()
        .put("params", new JsonObject().put("name", new JsonObject().put("type", "string")))
        .put("steps", new JsonArray()
            .add(new JsonObject().put("name", "Greet").put("type", "workflow").put("workflow", greeter)
                .put("params", new JsonObject().put("who", "${params.name}"))
                .put("outputs", new JsonArray().add("greeting")))
            .add(on("beta", "after", "echo ${vars.greeting} > '" + out + "'")))));
    Http.Response started = http.post("/api/executions", new JsonObject().put("workflow_id", caller)
        .put("params", new JsonObject().put("name", "world")).encode(), ApiDriver.ADMIN);
    assertEquals(202, started.status(), started.body());
    String execution = started.json().getString("id");

    String child = Await.until(LIMIT, "the sub-workflow to start", () -> {
      JsonArray children = children(api.execution(execution), 0);
      return children == null || children.isEmpty() ? null : children.getJsonObject(0).getString("execution_id");
    });
    JsonObject waiting = api.awaitStatus(child, "waiting_for_input", LIMIT);
    assertEquals("Greet world?", waiting.getJsonObject("prompt").getString("message"));
    assertEquals(greeter, waiting.getString("workflow_id"));
    JsonObject waitingCaller = api.execution(execution);
    assertEquals("running", waitingCaller.getString("status"), "the caller waits");
    assertEquals("waiting_for_input", children(waitingCaller, 0).getJsonObject(0).getString("status"),
        "the caller's view shows how its child stands now");
    api.respond(child, "Yes");
    api.awaitStatus(execution, "completed", LIMIT);
    assertEquals(List.of("hello world"), Files.readAllLines(out), "the sub-workflow's output reached the caller");

    Http.Response unknown = http.post("/api/workflows", new JsonObject().put("name", "dangling").put("definition",
        new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("type", "workflow")
            .put("workflow", "no-such-id")))).encode(), ApiDriver.ADMIN);
    assertEquals(400, unknown.status(), unknown.body());
    JsonObject problem = unknown.json().getJsonObject("details").getJsonArray("problems").getJsonObject(0);
    assertEquals("steps[0].workflow", problem.getString("path"));
  }

  @Test
  void aFailedStepRunsItsOwnOnFailureStepsThenTheRunFails() throws Exception {
    Path cleaned = dir.resolve("cleaned-" + UUID.randomUUID());
    String workflow = api.createWorkflow(new JsonObject().put("name", "step rollback").put("definition",
        new JsonObject().put("steps", new JsonArray()
            .add(on("alpha", "migrate", "exit 3").put("onFailure", new JsonArray()
                .add(on("beta", "restore", "echo restored >> '" + cleaned + "'"))))
            .add(on("alpha", "never", "echo never >> '" + cleaned + "'")))));
    JsonObject failed = api.awaitStatus(api.start(workflow), "failed", LIMIT);

    assertEquals(List.of("restored"), Files.readAllLines(cleaned), "the step's onFailure ran, the next step did not");
    JsonObject step = failed.getJsonArray("steps").getJsonObject(0);
    assertEquals(true, step.getBoolean("on_failure_ran"));
    assertEquals("onFailure", step.getJsonArray("children").getJsonObject(0).getString("key"));
    String logs = failed.getJsonArray("logs").encode();
    assertTrue(logs.contains("step_on_failure_started") && logs.contains("child_finished"), logs);
    assertEquals("Step 'migrate' failed: failed on 1 of 1 worker(s): alpha (exit code 3)", failed.getString("error"));
  }

  @Test
  void cancellingARunCancelsTheBranchesStillRunning() {
    String workflow = api.createWorkflow(new JsonObject().put("name", "long branches").put("definition",
        new JsonObject().put("steps", new JsonArray().add(new JsonObject().put("name", "Both").put("type", "parallel")
            .put("branches", new JsonArray()
                .add(branch("slow", on("alpha", "sleep", "sleep 60")))
                .add(branch("slower", on("beta", "sleep", "sleep 90"))))))));
    String execution = api.start(workflow);
    String slow = Await.until(LIMIT, "the slow branch running its command", () -> {
      JsonArray children = children(api.execution(execution), 0);
      if (children == null || children.isEmpty()) {
        return null;
      }
      String id = children.getJsonObject(0).getString("execution_id");
      JsonArray steps = api.execution(id).getJsonArray("steps");
      return steps.getJsonObject(0).getJsonArray("results") != null ? id : null;
    });
    Http.Response cancelled = http.post("/api/executions/" + execution + "/cancel", null, ApiDriver.ADMIN);
    assertEquals(200, cancelled.status(), cancelled.body());
    api.awaitStatus(execution, "cancelled", LIMIT);
    JsonObject child = api.awaitStatus(slow, "cancelled", LIMIT);
    assertEquals("cancelled by ada", child.getString("error"));
  }
}
