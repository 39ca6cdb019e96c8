package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium against PULSE in dev mode with two workers (alpha and
 * beta in one JVM). The restart test runs last because it restarts the shared server.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static final Dimension DESKTOP = new Dimension(1280, 1000);
  private static final Dimension PHONE = new Dimension(390, 844);
  private static final Map<String, String> DASHBOARD = Map.of("X-Requested-With", "pulse-dashboard");
  private static final Map<String, String> EVE = Map.of("Remote-User", "eve", "Remote-Groups", "employee",
      "Remote-Name", "Eve Employee");
  private static final String UPDATE_DEMO = "Interactive system update (safe demo)";

  private static Path dataDir;
  private static int port;
  private static Launched server;

  @BeforeAll
  static void startPulseWithTwoWorkers() {
    dataDir = TestDatabase.dataDir().resolve("dashboard-" + UUID.randomUUID());
    port = freePort();
    JsonObject settings = settings();
    server = DevMode.start(settings);
    JsonObject beta = settings.copy().put("WORKER_NAME", "beta");
    beta.remove("DISPATCH_PRIVATE_KEY");
    Workers.deploy(server.vertx(), beta, 1);
  }

  @AfterAll
  static void stopPulse() {
    if (server != null) {
      server.close();
    }
  }

  private static JsonObject settings() {
    return Settings.defaults().put("DATA_DIR", dataDir.toString()).put("PORT", port).put("HOST", "127.0.0.1")
        .put("HEARTBEAT_INTERVAL", 1).put("WORKER_NAME", "alpha");
  }

  @Test
  @Order(1)
  void workersShowLiveMetricsAndADirectCommandStreamsItsOutput() {
    try (DashboardBrowser browser = new DashboardBrowser(port, Map.of(), DESKTOP)) {
      browser.open("#/workers");
      browser.until("the header names the dev admin",
          "document.querySelector('[data-testid=current-role]')?.textContent === 'admin'");
      String version;
      try (Http http = new Http(port)) {
        version = http.get("/health").json().getString("version");
      }
      assertTrue(version != null && !version.isBlank(), "/health reports a version");
      browser.until("the header shows the version /health reports",
          "document.querySelector('[data-testid=app-title]')?.textContent === arguments[0]", "PULSE " + version);
      browser.until("both workers are listed online", "['alpha','beta'].every(n => "
          + "document.querySelector(`[data-testid=worker-card][data-worker-name=${n}][data-status=online]`))");
      browser.until("worker_metrics events draw a trend of several heartbeats",
          "[...document.querySelectorAll('[data-worker-name=alpha] [data-testid=sparkline]')]"
              + ".every(s => Number(s.dataset.samples) >= 3)");

      WebElement alpha = browser.element("[data-testid=worker-card][data-worker-name=alpha]");
      alpha.findElement(org.openqa.selenium.By.cssSelector("[data-testid=worker-command-toggle]")).click();
      WebElement input = browser.element("[data-worker-name=alpha] [data-testid=command-input]");
      input.sendKeys("echo hello from alpha; sleep 1; echo oops >&2; echo done");
      browser.element("[data-worker-name=alpha] [data-testid=command-run]").click();
      browser.until("stdout and stderr stream into the panel",
          "(() => { const pre = document.querySelector('[data-worker-name=alpha] [data-testid=output-text]');"
              + " return pre && pre.textContent.includes('hello from alpha')"
              + " && [...pre.querySelectorAll('.stderr')].some(s => s.textContent.includes('oops')); })()");
      browser.until("the panel reports the exit code", "document.querySelector("
          + "'[data-worker-name=alpha] [data-testid=command-status]')?.textContent.startsWith('Exit code 0')");
      assertEquals("event", browser.js("return document.querySelector("
          + "'[data-worker-name=alpha] [data-testid=command-status]').dataset.source"),
          "the end came with the registry's command_finished event");
      assertEquals(0L, browser.js("return performance.getEntriesByType('resource')"
          + ".filter(e => e.name.includes('/api/commands/')).length"), "no REST read of the command was needed");
      browser.screenshot("workers");

      input.clear();
      input.sendKeys("seq 1 100000");
      browser.element("[data-worker-name=alpha] [data-testid=command-run]").click();
      String pre = "document.querySelector('[data-worker-name=alpha] [data-testid=output-text]')";
      browser.until("the long output streams to its end", pre + ".textContent.endsWith('\\n100000\\n')");
      assertTrue(browser.all("[data-worker-name=alpha] [data-testid=output-trimmed]").size() == 1,
          "the oldest output is dropped from the page");
      long kept = (Long) browser.js("return " + pre + ".textContent.length");
      assertTrue(kept < 250_000, "only the newest output stays in the DOM, kept " + kept + " characters");
    }
  }

  @Test
  @Order(2)
  void editorShowsServerProblemsBesideTheirStepsAndAdminSavesEditsAndDeletes() {
    try (DashboardBrowser browser = new DashboardBrowser(port, Map.of(), DESKTOP)) {
      browser.open("#/workflows/new");
      useTemplate(browser, "fleet-report");
      editDefinition(browser, "def.steps[1].type = 'explode'; delete def.steps[2].command;");
      browser.element("[data-testid=workflow-save]").click();
      browser.until("the second step carries the type problem", "document.querySelector("
          + "'[data-testid=step-problems][data-step=\"1\"]')?.textContent.includes('type')");
      browser.until("the third step carries the command problem", "document.querySelector("
          + "'[data-testid=step-problems][data-step=\"2\"]')?.textContent.includes('command is required')");
      assertTrue(browser.element("[data-testid=workflow-error]").getText().contains("problem"),
          "the server's message is shown in words");
      assertTrue(browser.all("[data-testid=step-problems][data-step=\"0\"]").isEmpty(), "the valid step has none");
      browser.screenshot("workflow-editor-problems");

      editDefinition(browser, "def.steps[1].type = 'execute'; def.steps[2].command = 'df -h /';");
      browser.element("[data-testid=workflow-save]").click();
      browser.element("[data-testid=workflow-row][data-workflow-name='Fleet report'] [data-testid=workflow-open]").click();
      browser.until("the stored definition is in the editor",
          "document.querySelector('[data-testid=workflow-definition]').value.includes('df -h /')");
      WebElement name = browser.element("[data-testid=workflow-name]");
      name.clear();
      name.sendKeys("Fleet report (edited)");
      browser.element("[data-testid=workflow-save]").click();

      String edited = "[data-testid=workflow-row][data-workflow-name='Fleet report (edited)']";
      browser.element(edited + " [data-testid=workflow-delete]").click();
      browser.element(edited + " [data-testid=workflow-delete-confirm]").click();
      browser.until("the deleted workflow leaves the list", "!document.querySelector(arguments[0])", edited);
      assertTrue(browser.all("[data-testid=workflow-row]").isEmpty(), "no workflow is left");
    }
  }

  @Test
  @Order(3)
  void templateWorkflowStreamsFromTwoWorkersWaitsForAnswersAndCompletes() {
    try (DashboardBrowser browser = new DashboardBrowser(port, Map.of(), DESKTOP)) {
      browser.open("#/workflows");
      browser.element("[data-testid=workflow-new]").click();
      useTemplate(browser, "interactive-update-demo");
      // Slow the first step down so its output is seen while it still runs.
      editDefinition(browser, "def.steps[0].command = \"echo 'would run: apt update'; sleep 3; echo 'lists read'\";");
      browser.element("[data-testid=workflow-save]").click();

      WebElement row = browser.element("[data-testid=workflow-row][data-workflow-name='" + UPDATE_DEMO + "']");
      browser.screenshot("workflows");
      row.findElement(org.openqa.selenium.By.cssSelector("[data-testid=workflow-run]")).click();

      browser.until("both workers stream step 1 while it runs", "(() => {"
          + " const step = document.querySelector('[data-testid=timeline-step][data-step=\"0\"]');"
          + " const panes = ['alpha', 'beta'].map(n => document.querySelector("
          + "`[data-testid=output-pane][data-step=\"0\"][data-worker=${n}]`));"
          + " return step?.dataset.status === 'running' && panes.every(p => p"
          + " && p.textContent.includes('would run: apt update') && !p.textContent.includes('lists read')); })()");
      browser.screenshot("execution-running");

      answer(browser, "Packages updated. Proceed with upgrade?", "Yes");
      browser.until("the upgrade ran on both hosts", "['alpha', 'beta'].every(n => document.querySelector("
          + "`[data-testid=output-pane][data-step=\"2\"][data-worker=${n}]`)?.textContent.includes('would run: apt upgrade -y'))");
      answer(browser, "Upgrade complete. Reboot servers?", "No");

      browser.element("[data-testid=execution-result][data-status=completed]");
      assertEquals(List.of("completed", "completed", "completed", "completed", "skipped"), stepStatuses(browser));
      assertEquals(4L, browser.js("return document.querySelectorAll("
          + "'[data-testid=grid-cell][data-status=completed]').length"), "2 hosts × the 2 execute steps that ran");
      assertEquals(2L, browser.js("return document.querySelectorAll("
          + "'[data-testid=grid-cell][data-step=\"4\"][data-status=skipped]').length"));
      assertTrue(browser.all("[data-testid=prompt-card]").isEmpty(), "no prompt is left");
      assertTrue(browser.all("[data-testid=execution-cancel]").isEmpty(), "a finished execution cannot be cancelled");
      browser.element("[data-testid=execution-log] summary").click();
      browser.screenshot("execution-completed");

      browser.element("[data-testid=nav-executions]").click();
      browser.element("[data-testid=execution-row][data-status=completed]");
      browser.screenshot("executions");
    }
  }

  @Test
  @Order(4)
  void employeeSeesNoDeleteButtonsAndTheApiRefusesDeletesAnyway() {
    String workerId;
    String workflowId;
    try (Http http = new Http(port)) {
      JsonArray steps = new JsonArray()
          .add(new JsonObject().put("name", "Say hi").put("type", "execute").put("targets", new JsonArray().add("all"))
              .put("command", "echo hi from $0; echo 'a warning' >&2"))
          .add(new JsonObject().put("name", "Go on?").put("type", "prompt").put("message", "Carry on?")
              .put("options", new JsonArray().add("Yes").add("No")));
      JsonObject created = http.post("/api/workflows", new JsonObject().put("name", "Employee can run this")
          .put("definition", new JsonObject().put("steps", steps)).encode(), DASHBOARD).json();
      workflowId = created.getString("id");
      workerId = new JsonArray(http.get("/api/workers").body()).stream().map(JsonObject.class::cast)
          .filter(w -> "alpha".equals(w.getString("name"))).findFirst().orElseThrow().getString("id");
    }
    try (DashboardBrowser browser = new DashboardBrowser(port, EVE, PHONE)) {
      browser.open("#/workers");
      browser.until("the header names the employee", "document.querySelector('[data-testid=current-user]')"
          + "?.textContent === 'Eve Employee' && document.querySelector('[data-testid=current-role]')?.textContent === 'employee'");
      browser.element("[data-testid=worker-card][data-worker-name=alpha]");
      browser.element("[data-testid=worker-card][data-worker-name=beta]");
      assertTrue(browser.all("[data-testid=worker-delete]").isEmpty(), "no worker delete button for an employee");
      assertTrue(browser.all("[data-testid=worker-command-toggle]").size() >= 2, "employees may still run commands");
      assertNoSidewaysScrolling(browser);
      browser.screenshot("workers-employee-phone");

      browser.go("#/workflows");
      browser.element("[data-testid=workflow-row][data-workflow-name='Employee can run this'] [data-testid=workflow-run]");
      assertTrue(browser.all("[data-testid=workflow-delete]").isEmpty(), "no workflow delete button for an employee");
      assertTrue(browser.all("[data-testid=workflow-new]").isEmpty(), "no create button for an employee");
      assertNoSidewaysScrolling(browser);
      browser.screenshot("workflows-employee-phone");

      browser.go("#/workflows/" + workflowId);
      browser.until("the definition is shown read-only",
          "document.querySelector('[data-testid=workflow-definition]')?.readOnly"
              + " && document.querySelector('[data-testid=workflow-definition]').value.includes('echo hi')");
      assertTrue(browser.all("[data-testid=workflow-save]").isEmpty(), "no save button for an employee");

      assertEquals(403L, browser.fetchStatus("DELETE", "/api/workers/" + workerId));
      assertEquals(403L, browser.fetchStatus("DELETE", "/api/workflows/" + workflowId));

      browser.go("#/workflows");
      browser.element("[data-testid=workflow-row][data-workflow-name='Employee can run this'] [data-testid=workflow-run]")
          .click();
      browser.element("[data-testid=prompt-card]");
      browser.element("[data-testid=execution-cancel]").click();
      browser.element("[data-testid=execution-cancel-confirm]").click();
      browser.element("[data-testid=execution-result][data-status=cancelled]");
      assertTrue(browser.all("[data-testid=prompt-card]").isEmpty(), "a cancelled execution asks nothing");
      browser.until("each host's output is labelled with its name", "['alpha', 'beta'].every(n => document.querySelector("
          + "`[data-testid=output-pane][data-worker=${n}]`)?.textContent.includes('a warning'))");
      assertNoSidewaysScrolling(browser);
      browser.screenshot("execution-cancelled-employee-phone");
    }
    try (Http http = new Http(port)) {
      assertEquals(200, http.get("/api/workflows/" + workflowId).status(), "the workflow is still there");
      assertTrue(http.get("/api/workers").body().contains(workerId), "the worker is still there");
    }
  }

  @Test
  @Order(5)
  void viewCatchesUpAfterTheServerRestarts() {
    try (DashboardBrowser browser = new DashboardBrowser(port, Map.of(), DESKTOP)) {
      browser.open("#/workflows");
      browser.until("live", "document.querySelector('[data-testid=connection]').dataset.state === 'open'");
      browser.element("[data-testid=workflow-row]");

      server.close();
      server = null;
      browser.until("the page says it lost the connection",
          "document.querySelector('[data-testid=connection]').dataset.state !== 'open'");

      server = DevMode.start(settings());
      // Published before the page is back on the bus, so only the REST catch-up can show it.
      try (Http http = new Http(port)) {
        assertEquals(201, http.post("/api/workflows", new JsonObject().put("name", "Made while the page was away")
            .put("definition", new JsonObject().put("steps", new JsonArray().add(new JsonObject()
                .put("name", "Wait").put("type", "wait").put("duration", 10)))).encode(), DASHBOARD).status());
      }
      browser.until("live again", "document.querySelector('[data-testid=connection]').dataset.state === 'open'");
      browser.element("[data-testid=workflow-row][data-workflow-name='Made while the page was away']");

      browser.go("#/workers");
      String heartbeat = "document.querySelector('[data-testid=worker-card][data-worker-name=alpha]')?.dataset.heartbeat";
      browser.until("the worker is back", heartbeat);
      String before = (String) browser.js("return " + heartbeat);
      browser.until("its heartbeats arrive live again", heartbeat + " !== arguments[0]", before);
    }
  }

  @Test
  @Order(6)
  void aFailedRunShowsItsRetriesAndRollbackAndResumesFromTheBrowser() throws Exception {
    Path marker = dataDir.resolve("flaky-" + UUID.randomUUID());
    Path gate = dataDir.resolve("gate-" + UUID.randomUUID());
    JsonObject definition = new JsonObject()
        .put("steps", new JsonArray()
            .add(new JsonObject().put("name", "Flaky").put("type", "execute").put("targets", new JsonArray().add("alpha"))
                .put("command", "if mkdir '" + marker + "' 2>/dev/null; then exit 3; fi; echo ok")
                .put("retry", new JsonObject().put("maxAttempts", 2).put("initialInterval", 200)))
            .add(new JsonObject().put("name", "Gate").put("type", "execute").put("targets", new JsonArray().add("alpha"))
                .put("command", "test -f '" + gate + "' || exit 4")))
        .put("onFailure", new JsonArray().add(new JsonObject().put("name", "Roll back").put("type", "execute")
            .put("targets", new JsonArray().add("alpha")).put("command", "echo rolled back")));
    String id;
    try (Http http = new Http(port)) {
      Http.Response created = http.post("/api/workflows", new JsonObject().put("name", "Resumable")
          .put("definition", definition).encode(), DASHBOARD);
      assertEquals(201, created.status(), created.body());
      Http.Response started = http.post("/api/executions", new JsonObject()
          .put("workflow_id", created.json().getString("id")).encode(), DASHBOARD);
      id = started.json().getString("id");
      Await.until(Duration.ofSeconds(30), "the run to fail", () ->
          "failed".equals(http.get("/api/executions/" + id, DASHBOARD).json().getString("status")) ? Boolean.TRUE : null);
    }
    try (DashboardBrowser browser = new DashboardBrowser(port, Map.of(), DESKTOP)) {
      browser.open("#/executions/" + id);
      browser.element("[data-testid=execution-result][data-status=failed]");
      assertTrue(((String) browser.js("return document.querySelector("
          + "'[data-testid=grid-cell][data-worker=alpha][data-step=\"0\"]').textContent")).contains("attempt 2"));
      assertEquals(1L, browser.js("return document.querySelectorAll('[data-testid=step-on-failure]').length"));
      browser.screenshot("execution-failed-with-rollback");

      Files.createFile(gate);
      // The view re-renders on live events; click whichever resume button is there now.
      browser.until("the resume button clicked", "(() => { const b = document.querySelector("
          + "'[data-testid=execution-resume]'); if (b && !b.disabled) { b.click(); return true; } return false; })()");
      browser.element("[data-testid=execution-result][data-status=completed]");
      assertTrue(browser.all("[data-testid=execution-resume]").isEmpty(), "a completed run offers no resume");
    }
  }

  @Test
  @Order(7)
  void aParallelRunLinksItsBranchesAndABranchPromptIsAnsweredInItsOwnView() throws Exception {
    JsonObject definition = new JsonObject().put("steps", new JsonArray()
        .add(new JsonObject().put("name", "Both").put("type", "parallel").put("branches", new JsonArray()
            .add(new JsonObject().put("name", "quick").put("steps", new JsonArray().add(new JsonObject()
                .put("type", "execute").put("targets", new JsonArray().add("alpha")).put("command", "echo quick"))))
            .add(new JsonObject().put("name", "asks").put("steps", new JsonArray().add(new JsonObject()
                .put("type", "prompt").put("message", "Go on with the asking branch?")
                .put("options", new JsonArray().add("Yes").add("No"))))))));
    String id;
    try (Http http = new Http(port)) {
      Http.Response created = http.post("/api/workflows", new JsonObject().put("name", "Branches")
          .put("definition", definition).encode(), DASHBOARD);
      assertEquals(201, created.status(), created.body());
      id = http.post("/api/executions", new JsonObject().put("workflow_id", created.json().getString("id")).encode(),
          DASHBOARD).json().getString("id");
    }
    try (DashboardBrowser browser = new DashboardBrowser(port, Map.of(), DESKTOP)) {
      browser.open("#/executions/" + id);
      browser.until("both branches are listed, the quick one done and the other waiting", "(() => {"
          + " const q = document.querySelector('[data-testid=step-child][data-key=quick]');"
          + " const a = document.querySelector('[data-testid=step-child][data-key=asks]');"
          + " return q && a && q.dataset.status === 'completed' && a.dataset.status === 'waiting_for_input'; })()");
      browser.screenshot("execution-parallel-branches");
      browser.until("the asking branch opened", "(() => { const l = document.querySelector("
          + "'[data-testid=step-child][data-key=asks] a'); if (l) { l.click(); return true; } return false; })()");
      browser.element("[data-testid=execution-parent]");
      browser.until("the branch's prompt answered", "(() => { const b = document.querySelector("
          + "'[data-testid=prompt-option][data-option=Yes]'); if (b && !b.disabled) { b.click(); return true; }"
          + " return false; })()");
      browser.element("[data-testid=execution-result][data-status=completed]");
      browser.open("#/executions/" + id);
      browser.element("[data-testid=execution-result][data-status=completed]");
      assertEquals(2L, browser.js("return document.querySelectorAll('[data-testid=step-child][data-status=completed]')"
          + ".length"));
    }
  }

  @Test
  @Order(8)
  void aWorkflowWithParamsAsksForThemBeforeItRuns() throws Exception {
    JsonObject definition = new JsonObject()
        .put("params", new JsonObject()
            .put("version", new JsonObject().put("type", "string").put("required", true).put("description", "the release"))
            .put("count", new JsonObject().put("type", "number").put("default", 2))
            .put("dry", new JsonObject().put("type", "boolean")))
        .put("steps", new JsonArray().add(new JsonObject().put("type", "execute").put("targets", new JsonArray()
            .add("alpha")).put("command", "echo ${params.version} x ${params.count}")));
    try (Http http = new Http(port)) {
      assertEquals(201, http.post("/api/workflows", new JsonObject().put("name", "With params")
          .put("definition", definition).encode(), DASHBOARD).status());
    }
    try (DashboardBrowser browser = new DashboardBrowser(port, Map.of(), DESKTOP)) {
      browser.open("#/workflows");
      // The lists re-render on live events: each step finds its element afresh.
      browser.until("the run button clicked", "(() => { const b = document.querySelector(\"[data-testid=workflow-row]"
          + "[data-workflow-name='With params'] [data-testid=workflow-run]\"); if (b) { b.click(); return true; }"
          + " return false; })()");
      browser.until("a missing required param is named", "(() => { const f = document.querySelector("
          + "'[data-testid=params-form] [data-param=version]'); if (!f) return false;"
          + " document.querySelector('[data-testid=start-execution]').click();"
          + " return document.querySelector('[data-testid=start-error]').textContent === 'version is required'; })()");
      browser.screenshot("execution-params");
      browser.until("the params filled in and the run started", "(() => { if (window.paramsStarted)"
          + " return !location.hash.startsWith('#/executions?'); const v = document.querySelector('[data-testid=param-input][data-param=version]');"
          + " const d = document.querySelector('[data-testid=param-input][data-param=dry]'); if (!v || !d) return false;"
          + " v.value = '1.2'; d.checked = true; document.querySelector('[data-testid=start-execution]').click();"
          + " window.paramsStarted = true; return false; })()");
      browser.element("[data-testid=execution-result][data-status=completed]");
      String id = (String) browser.js("return location.hash.split('/').pop()");
      try (Http http = new Http(port)) {
        JsonObject execution = http.get("/api/executions/" + id, DASHBOARD).json();
        assertEquals(new JsonObject().put("version", "1.2").put("count", 2).put("dry", true),
            execution.getJsonObject("params"));
        assertEquals("1.2 x 2\n", execution.getJsonArray("steps").getJsonObject(0).getJsonArray("results")
            .getJsonObject(0).getString("stdout"));
      }
    }
  }

  private static void assertNoSidewaysScrolling(DashboardBrowser browser) {
    assertEquals(Boolean.TRUE, browser.js("return document.documentElement.scrollWidth <= window.innerWidth"),
        "the page fits the phone's width");
  }

  private static void useTemplate(DashboardBrowser browser, String templateId) {
    new Select(browser.element("[data-testid=template-select]")).selectByValue(templateId);
    browser.element("[data-testid=template-load]").click();
    browser.until("the template is loaded", "document.querySelector('[data-testid=workflow-definition]').value.length > 20");
  }

  /** Edits the definition as a person would in the textarea; {@code change} mutates {@code def}. */
  private static void editDefinition(DashboardBrowser browser, String change) {
    browser.js("const area = document.querySelector('[data-testid=workflow-definition]');"
        + " const def = JSON.parse(area.value); " + change
        + " area.value = JSON.stringify(def, null, 2); area.dispatchEvent(new Event('input'));");
  }

  private static void answer(DashboardBrowser browser, String message, String option) {
    browser.until("the prompt asks: " + message, "document.querySelector('[data-testid=prompt-message]')"
        + "?.textContent === arguments[0]", message);
    if ("Yes".equals(option)) {
      browser.screenshot("execution-prompt");
    }
    browser.element("[data-testid=prompt-option][data-option='" + option + "']").click();
    browser.until("the prompt is answered", "document.querySelector('[data-testid=prompt-message]')"
        + "?.textContent !== arguments[0]", message);
  }

  @SuppressWarnings("unchecked")
  private static List<String> stepStatuses(DashboardBrowser browser) {
    return (List<String>) browser.js("return [...document.querySelectorAll('[data-testid=timeline-step]')]"
        + ".map(s => s.dataset.status)");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
