package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pulse.testkit.Http;
import dev.pulse.testkit.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/** The workflow view shows the schedule and its next run; an admin sets and turns it off, an employee only reads. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ScheduleDashboardTest {

  private static final Map<String, String> EVE = Map.of("Remote-User", "eve", "Remote-Groups", "employee");

  @Test
  void anAdminSetsAndTurnsOffAScheduleOnTheWorkflowView() {
    int port = PulseProcess.freePort();
    Launched server = DevMode.start(Settings.defaults()
        .put("DATA_DIR", TestDatabase.dataDir().resolve("sched-ui-" + UUID.randomUUID()).toString())
        .put("PORT", port).put("HOST", "127.0.0.1").put("WORKER_NAME", "alpha"));
    try {
      String workflow;
      try (Http http = new Http(port)) {
        workflow = new ApiDriver(http).createWorkflow(new JsonObject().put("name", "nightly").put("definition",
            new JsonObject().put("steps", new JsonArray().add(ApiDriver.execute("note", "true")))));
      }
      try (DashboardBrowser browser = new DashboardBrowser(port, Map.of(), new Dimension(1280, 1000))) {
        browser.open("#/workflows/" + workflow);
        browser.until("no schedule yet", "document.querySelector('[data-testid=schedule-summary]')"
            + "?.textContent.startsWith('No schedule')");
        WebElement cron = browser.element("[data-testid=schedule-cron]");
        cron.sendKeys("0 3 * *");
        browser.element("[data-testid=schedule-save]").click();
        browser.until("the server's complaint about the cron field", "document.querySelector("
            + "'[data-testid=schedule-error]')?.textContent.startsWith('cron must have 5 fields')");
        cron.clear();
        cron.sendKeys("0 3 * * *");
        browser.element("[data-testid=schedule-zone]").sendKeys("Europe/Berlin");
        browser.element("[data-testid=schedule-save]").click();
        browser.until("the schedule and its next run", "document.querySelector('[data-testid=schedule-summary]')"
            + "?.textContent.startsWith('Runs \"0 3 * * *\" in Europe/Berlin; next run ')");
        assertEquals("", browser.js("return document.querySelector('[data-testid=schedule-error]').textContent"));
        browser.screenshot("workflow-schedule");
        browser.element("[data-testid=schedule-clear]").click();
        browser.until("the schedule off", "document.querySelector('[data-testid=schedule-summary]')"
            + "?.textContent.startsWith('Off')");
      }
      try (DashboardBrowser browser = new DashboardBrowser(port, EVE, new Dimension(390, 844))) {
        browser.open("#/workflows/" + workflow);
        browser.until("an employee reads the schedule", "document.querySelector('[data-testid=schedule-summary]')"
            + "?.textContent.startsWith('Off')");
        assertTrue(browser.all("[data-testid=schedule-save]").isEmpty(), "no schedule form for an employee");
      }
    } finally {
      server.close();
    }
  }
}
