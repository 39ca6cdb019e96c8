package dev.pulse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pulse.testkit.Await;
import dev.pulse.testkit.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;

/** Drives PULSE through its public REST API only, as a script or the dashboard would. */
final class ApiDriver {

  static final Map<String, String> ADMIN = Map.of("Remote-User", "ada", "Remote-Groups", "admin");

  private final Http http;

  ApiDriver(Http http) {
    this.http = http;
  }

  /** The spec's interactive update example, with harmless commands appending to a file. */
  static JsonObject interactiveUpdate(String file) {
    String append = "echo %s-$(basename \"$PWD\")-$$ >> " + file + " && echo %s done";
    return new JsonObject().put("name", "Interactive system update").put("description", "spec example")
        .put("definition", new JsonObject().put("steps", new JsonArray()
            .add(execute("Update package list", String.format(append, "update", "update")))
            .add(new JsonObject().put("name", "User approval").put("type", "prompt")
                .put("message", "Packages updated. Proceed with upgrade?").put("options", new JsonArray().add("Yes").add("No")))
            .add(execute("Upgrade packages", String.format(append, "upgrade", "upgrade"))
                .put("condition", "promptResponse === 'Yes'"))
            .add(new JsonObject().put("name", "Reboot confirmation").put("type", "prompt")
                .put("message", "Upgrade complete. Reboot servers?").put("options", new JsonArray().add("Yes").add("No")))
            .add(execute("Reboot servers", String.format(append, "reboot", "reboot"))
                .put("condition", "promptResponse === 'Yes'"))));
  }

  static JsonObject execute(String name, String command) {
    return new JsonObject().put("name", name).put("type", "execute").put("targets", new JsonArray().add("all"))
        .put("command", command);
  }

  String createWorkflow(JsonObject workflow) {
    Http.Response response = http.post("/api/workflows", workflow.encode(), ADMIN);
    assertEquals(201, response.status(), response.body());
    return response.json().getString("id");
  }

  String start(String workflowId) {
    Http.Response response = http.post("/api/executions", new JsonObject().put("workflow_id", workflowId).encode(),
        ADMIN);
    assertEquals(202, response.status(), response.body());
    return response.json().getString("id");
  }

  /** One execution; a 503 (a component busy or failing over) is thrown as retryable. */
  JsonObject execution(String id) {
    Http.Response response = http.get("/api/executions/" + id, ADMIN);
    if (response.status() == 503) {
      throw new IllegalStateException("503 for execution " + id + ": " + response.body());
    }
    assertEquals(200, response.status(), response.body());
    return response.json();
  }

  /** Waits for the execution to reach the status; fails at once if it ends in another. */
  JsonObject awaitStatus(String id, String status, Duration limit) {
    return Await.until(limit, "execution " + id + " to be " + status, () -> {
      JsonObject execution = execution(id);
      String now = execution.getString("status");
      if (!now.equals(status) && (now.equals("completed") || now.equals("failed") || now.equals("cancelled"))) {
        throw new AssertionError("execution ended " + now + " instead of " + status + ": " + execution.encodePrettily());
      }
      return now.equals(status) ? execution : null;
    });
  }

  void respond(String id, String answer) {
    Http.Response response = http.post("/api/executions/" + id + "/respond",
        new JsonObject().put("response", answer).encode(), ADMIN);
    assertEquals(200, response.status(), response.body());
  }

  int onlineWorkers() {
    JsonArray list = new JsonArray(http.get("/api/workers", ADMIN).body());
    return (int) list.stream().map(JsonObject.class::cast).filter(w -> "online".equals(w.getString("status"))).count();
  }
}
