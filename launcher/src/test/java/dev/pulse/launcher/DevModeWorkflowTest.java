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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dev mode with two real workers, driven through the REST API only. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DevModeWorkflowTest {

  private static TwoWorkerDevMode fleet;
  private static Http http;
  private static ApiDriver api;
  private static Path dir;
  private static JsonObject settings;

  @BeforeAll
  static void start() throws Exception {
    fleet = TwoWorkerDevMode.start("flow");
    http = fleet.http();
    api = fleet.api();
    dir = fleet.dir();
    settings = fleet.settings();
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  @Test
  void interactiveUpdateRunsOnEveryWorkerAndFollowsTheAnswers() throws Exception {
    Path file = dir.resolve("yes-no.txt");
    String workflow = api.createWorkflow(ApiDriver.interactiveUpdate(file.toString()));
    String execution = api.start(workflow);

    JsonObject paused = api.awaitStatus(execution, "waiting_for_input", Duration.ofSeconds(30));
    assertEquals("Packages updated. Proceed with upgrade?", paused.getJsonObject("prompt").getString("message"));
    api.respond(execution, "Yes");
    JsonObject second = Await.until(Duration.ofSeconds(30), "the reboot prompt", () -> {
      JsonObject now = api.execution(execution);
      JsonObject prompt = now.getJsonObject("prompt");
      return prompt != null && prompt.getString("message").startsWith("Upgrade complete") ? now : null;
    });
    assertEquals("waiting_for_input", second.getString("status"));
    api.respond(execution, "No");
    JsonObject done = api.awaitStatus(execution, "completed", Duration.ofSeconds(30));

    JsonArray steps = done.getJsonArray("steps");
    assertEquals(List.of("completed", "completed", "completed", "completed", "skipped"),
        steps.stream().map(step -> ((JsonObject) step).getString("status")).toList());
    JsonArray upgraded = steps.getJsonObject(2).getJsonArray("results");
    assertEquals(2, upgraded.size(), "the upgrade ran on both workers");
    for (Object result : upgraded) {
      JsonObject target = (JsonObject) result;
      assertEquals(0, target.getInteger("exit_code"));
      assertEquals("upgrade done\n", target.getString("stdout"));
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.stream().filter(line -> line.startsWith("update-")).count());
    assertEquals(2, lines.stream().filter(line -> line.startsWith("upgrade-")).count());
    assertEquals(0, lines.stream().filter(line -> line.startsWith("reboot-")).count());
    String logs = done.getJsonArray("logs").encode();
    assertTrue(logs.contains("ada"), "the log records who answered: " + logs);

    String metrics = Await.until(Duration.ofSeconds(10), "PULSE's meters on /metrics", () -> {
      String body = http.get("/metrics").body();
      return body.contains("pulse_executions_total{status=\"completed\"}") ? body : null;
    });
    for (String meter : List.of("pulse_executions_active", "pulse_step_duration_seconds_bucket{",
        "pulse_prompt_wait_seconds_count", "pulse_workers{status=\"online\"}", "pulse_commands_in_flight",
        "pulse_commands_queued", "pulse_heartbeat_lag_seconds_count")) {
      assertTrue(metrics.contains(meter), meter + " is exported");
    }
  }

  @Test
  void aFailedTargetIsRetriedOnItsOwnWorkerUntilItSucceeds() throws Exception {
    // Whichever worker gets there first fails once (mkdir succeeds only once); the other succeeds at once.
    Path marker = dir.resolve("flaky-" + UUID.randomUUID());
    Path runs = dir.resolve("runs-" + UUID.randomUUID());
    String command = "echo run >> '" + runs + "'; if mkdir '" + marker + "' 2>/dev/null; then exit 3; fi; echo fine";
    String workflow = api.createWorkflow(new JsonObject().put("name", "flaky").put("definition",
        new JsonObject().put("steps", new JsonArray().add(ApiDriver.execute("flaky", command)
            .put("retry", new JsonObject().put("maxAttempts", 3).put("initialInterval", 300))))));
    JsonObject done = api.awaitStatus(api.start(workflow), "completed", Duration.ofSeconds(60));

    List<Integer> attempts = done.getJsonArray("steps").getJsonObject(0).getJsonArray("results").stream()
        .map(JsonObject.class::cast).map(r -> {
          assertEquals("fine\n", r.getString("stdout"), r.encode());
          return r.getInteger("attempt", 1);
        }).sorted().toList();
    assertEquals(List.of(1, 2), attempts, "only the failed target ran again");
    assertEquals(3, Files.readAllLines(runs).size(), "three runs in all, not four");
    assertTrue(done.getJsonArray("logs").encode().contains("target_retry_scheduled"));
  }

  @Test
  void aFailedExecutionResumesFromTheFailedStepWithoutRunningEarlierStepsAgain() throws Exception {
    Path ran = dir.resolve("resume-" + UUID.randomUUID());
    Path gate = dir.resolve("gate-" + UUID.randomUUID());
    String workflow = api.createWorkflow(new JsonObject().put("name", "resumable").put("definition",
        new JsonObject().put("steps", new JsonArray()
            .add(ApiDriver.execute("prepare", "echo prepare >> '" + ran + "'"))
            .add(ApiDriver.execute("gate", "test -f '" + gate + "' || { echo 'gate closed' >&2; exit 4; }"))
            .add(ApiDriver.execute("finish", "echo finish >> '" + ran + "'")))));
    String execution = api.start(workflow);
    api.awaitStatus(execution, "failed", Duration.ofSeconds(30));
    Files.createFile(gate);

    Map<String, String> employee = Map.of("Remote-User", "erin", "Remote-Groups", "employee");
    Http.Response resumed = http.post("/api/executions/" + execution + "/resume", null, employee);
    assertEquals(200, resumed.status(), resumed.body());
    JsonObject done = api.awaitStatus(execution, "completed", Duration.ofSeconds(30));

    List<String> lines = Files.readAllLines(ran);
    assertEquals(2, lines.stream().filter("prepare"::equals).count(), "each worker prepared once: " + lines);
    assertEquals(2, lines.stream().filter("finish"::equals).count(), "each worker finished once: " + lines);
    assertTrue(done.getJsonArray("logs").encode().contains("execution_resumed"));
    Http.Response again = http.post("/api/executions/" + execution + "/resume", null, employee);
    assertEquals(409, again.status());
    assertEquals("Execution " + execution + " is completed; only a failed execution can be resumed",
        again.json().getString("error"));
    assertEquals(404, http.post("/api/executions/nope/resume", null, employee).status());
    JsonArray audit = http.get("/api/audit?action=execution.resume&target_id=" + execution, ApiDriver.ADMIN).json()
        .getJsonArray("entries");
    assertEquals("erin", audit.getJsonObject(0).getString("actor"));
  }

  @Test
  void paramsAndStepOutputsReachLaterCommandsAsPlainText() throws Exception {
    Path out = dir.resolve("vars-" + UUID.randomUUID());
    Path pwned = dir.resolve("pwned-" + UUID.randomUUID());
    String hostile = "x'; touch '" + pwned + "'; echo '";
    JsonObject definition = new JsonObject()
        .put("params", new JsonObject().put("version", new JsonObject().put("type", "string").put("required", true))
            .put("note", new JsonObject().put("type", "string").put("default", "none")))
        .put("steps", new JsonArray()
            .add(new JsonObject().put("name", "build id").put("type", "execute").put("targets", new JsonArray()
                .add("alpha")).put("command", "echo \"  build-$((40 + 2))  \"").put("output", "build"))
            .add(ApiDriver.execute("use", "printf '%s|%s|%s\\n' ${params.version} ${vars.build} ${params.note} >> '"
                + out + "'")));
    String workflow = api.createWorkflow(new JsonObject().put("name", "vars").put("definition", definition));

    Http.Response missing = http.post("/api/executions", new JsonObject().put("workflow_id", workflow).encode(),
        ApiDriver.ADMIN);
    assertEquals(400, missing.status());
    assertEquals("params.version is required (string)", missing.json().getString("error"));

    Http.Response started = http.post("/api/executions", new JsonObject().put("workflow_id", workflow)
        .put("params", new JsonObject().put("version", hostile)).encode(), ApiDriver.ADMIN);
    assertEquals(202, started.status(), started.body());
    api.awaitStatus(started.json().getString("id"), "completed", Duration.ofSeconds(30));

    List<String> lines = Files.readAllLines(out);
    assertEquals(List.of(hostile + "|build-42|none", hostile + "|build-42|none"), lines);
    assertTrue(!Files.exists(pwned), "the hostile param ran nothing");
  }

  @Test
  void aFailedRunRunsItsOnFailureStepsThenEndsFailed() throws Exception {
    Path rolled = dir.resolve("rollback-" + UUID.randomUUID());
    String workflow = api.createWorkflow(new JsonObject().put("name", "with rollback").put("definition",
        new JsonObject().put("steps", new JsonArray().add(ApiDriver.execute("deploy", "exit 5")))
            .put("onFailure", new JsonArray().add(ApiDriver.execute("roll back", "echo undone >> '" + rolled + "'")))));
    JsonObject failed = api.awaitStatus(api.start(workflow), "failed", Duration.ofSeconds(30));

    assertEquals(List.of("undone", "undone"), Files.readAllLines(rolled), "the rollback ran on both workers");
    assertTrue(failed.getString("error").startsWith("Step 'deploy' failed"), failed.getString("error"));
    JsonObject rollback = failed.getJsonArray("steps").getJsonObject(1);
    assertEquals(true, rollback.getBoolean("on_failure"));
    assertEquals("completed", rollback.getString("status"));
    assertTrue(failed.getJsonArray("logs").encode().contains("on_failure_started"));
  }

  @Test
  void anApprovalNeedsTwoNamedApproversAndTheStarterCannotApprove() {
    String workflow = api.createWorkflow(new JsonObject().put("name", "approval").put("definition", new JsonObject()
        .put("steps", new JsonArray().add(new JsonObject().put("name", "Approve").put("type", "prompt")
            .put("message", "Release?").put("options", new JsonArray().add("Yes").add("No"))
            .put("approvers", new JsonObject().put("groups", new JsonArray().add("release")))
            .put("required", 2).put("excludeStarter", true)))));
    String execution = api.start(workflow);  // started by ada (admin)
    api.awaitStatus(execution, "waiting_for_input", Duration.ofSeconds(30));

    Http.Response starter = answer(execution, "ada", "admin,release");
    assertEquals(403, starter.status());
    assertEquals("'ada' may not answer this prompt: the person who started the execution may not answer it",
        starter.json().getString("error"));
    assertEquals(403, answer(execution, "eve", "employee").status());
    assertEquals(200, answer(execution, "bob", "employee,release").status());
    assertEquals(409, answer(execution, "bob", "employee,release").status());
    JsonObject waiting = api.execution(execution);
    assertEquals("waiting_for_input", waiting.getString("status"));
    assertEquals(1, waiting.getJsonObject("prompt").getJsonArray("votes").size());
    assertEquals(200, answer(execution, "carol", "employee,release").status());
    JsonObject done = api.awaitStatus(execution, "completed", Duration.ofSeconds(30));
    assertEquals("bob, carol", done.getJsonArray("prompts").getJsonObject(0).getString("responded_by"));
  }

  @Test
  void aPromptNobodyAnswersTakesItsDefaultOption() {
    String workflow = api.createWorkflow(new JsonObject().put("name", "timeout").put("definition", new JsonObject()
        .put("steps", new JsonArray().add(new JsonObject().put("name", "Reboot?").put("type", "prompt")
            .put("message", "Reboot now?").put("options", new JsonArray().add("Yes").add("No"))
            .put("timeout", 500).put("defaultOption", "No")))));
    JsonObject done = api.awaitStatus(api.start(workflow), "completed", Duration.ofSeconds(30));
    assertEquals("No", done.getString("prompt_response"));
    assertEquals("timeout", done.getJsonArray("prompts").getJsonObject(0).getString("responded_by"));
  }

  private static Http.Response answer(String execution, String user, String groups) {
    return http.post("/api/executions/" + execution + "/respond", new JsonObject().put("response", "Yes").encode(),
        Map.of("Remote-User", user, "Remote-Groups", groups));
  }

  @Test
  void answeringNoSkipsTheUpgrade() {
    Path file = dir.resolve("no.txt");
    String execution = api.start(api.createWorkflow(ApiDriver.interactiveUpdate(file.toString())));
    api.awaitStatus(execution, "waiting_for_input", Duration.ofSeconds(30));
    api.respond(execution, "No");
    Await.until(Duration.ofSeconds(30), "the second prompt", () -> {
      JsonObject prompt = api.execution(execution).getJsonObject("prompt");
      return prompt != null && prompt.getString("message").startsWith("Upgrade complete") ? Boolean.TRUE : null;
    });
    api.respond(execution, "Yes");
    JsonObject done = api.awaitStatus(execution, "completed", Duration.ofSeconds(30));
    assertEquals(List.of("completed", "completed", "skipped", "completed", "completed"),
        done.getJsonArray("steps").stream().map(step -> ((JsonObject) step).getString("status")).toList());
  }

  @Test
  void answerThatIsNotAnOptionIs400AndNothingPendingIs409() {
    String execution = api.start(api.createWorkflow(ApiDriver.interactiveUpdate(dir.resolve("bad.txt").toString())));
    api.awaitStatus(execution, "waiting_for_input", Duration.ofSeconds(30));
    Http.Response wrong = http.post("/api/executions/" + execution + "/respond", "{\"response\":\"Maybe\"}",
        ApiDriver.ADMIN);
    assertEquals(400, wrong.status(), wrong.body());
    assertTrue(wrong.json().getString("error").contains("Yes"), wrong.body());
    Http.Response cancel = http.post("/api/executions/" + execution + "/cancel", "{}", ApiDriver.ADMIN);
    assertEquals(200, cancel.status(), cancel.body());
    api.awaitStatus(execution, "cancelled", Duration.ofSeconds(15));
    Http.Response late = http.post("/api/executions/" + execution + "/respond", "{\"response\":\"Yes\"}",
        ApiDriver.ADMIN);
    assertEquals(409, late.status(), late.body());
  }

  @Test
  void invalidDefinitionListsEveryProblemWithItsPath() {
    JsonObject bad = new JsonObject().put("name", "broken").put("definition", new JsonObject().put("steps",
        new JsonArray().add(new JsonObject().put("type", "run"))
            .add(new JsonObject().put("type", "execute").put("targets", new JsonArray().add("all")))
            .add(new JsonObject().put("type", "prompt").put("message", "ok?").put("options", new JsonArray()))
            .add(ApiDriver.execute("x", "true").put("condition", "promptResponse ==="))));
    Http.Response response = http.post("/api/workflows", bad.encode(), ApiDriver.ADMIN);
    assertEquals(400, response.status(), response.body());
    List<String> paths = response.json().getJsonArray("problems").stream()
        .map(problem -> ((JsonObject) problem).getString("path")).toList();
    assertTrue(paths.containsAll(List.of("steps[0].type", "steps[1].command", "steps[2].options", "steps[3].condition")),
        paths.toString());
  }

  @Test
  void cancelKillsTheRunningCommandOnItsWorker() throws Exception {
    Path late = dir.resolve("late.txt");
    String execution = api.start(api.createWorkflow(new JsonObject().put("name", "long").put("definition",
        new JsonObject().put("steps", new JsonArray()
            .add(ApiDriver.execute("long", "sleep 20; echo late >> " + late))))));
    Await.until(Duration.ofSeconds(30), "the long step running on both workers", () -> {
      JsonArray results = api.execution(execution).getJsonArray("steps").getJsonObject(0).getJsonArray("results");
      return results != null && results.size() == 2 ? Boolean.TRUE : null;
    });
    Thread.sleep(500);  // let both shells start their sleep
    Http.Response cancel = http.post("/api/executions/" + execution + "/cancel", "{}", ApiDriver.ADMIN);
    assertEquals(200, cancel.status(), cancel.body());
    api.awaitStatus(execution, "cancelled", Duration.ofSeconds(15));
    Await.until(Duration.ofSeconds(15), "no sleep 20 left running", () -> ProcessHandle.allProcesses()
        .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 20; echo late")) ? Boolean.TRUE : null);
    Thread.sleep(1_000);
    assertTrue(!Files.exists(late), "the cancelled command never reached its end");
  }

  @Test
  void heartbeatOverHttpWithTheWorkerKeyIsRecorded() {
    Http.Response response = http.post("/api/workers/heartbeat", new JsonObject().put("name", "alpha")
        .put("metadata", new JsonObject().put("note", "from http")).encode(),
        java.util.Map.of("X-API-Key", settings.getString("WORKER_API_KEY")));
    assertEquals(200, response.status(), response.body());
    Http.Response refused = http.post("/api/workers/heartbeat", new JsonObject().put("name", "alpha").encode(),
        java.util.Map.of("X-API-Key", "wrong-key"));
    assertEquals(401, refused.status(), refused.body());
  }
}
