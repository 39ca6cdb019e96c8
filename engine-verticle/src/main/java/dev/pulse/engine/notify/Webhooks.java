package dev.pulse.engine.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The shapes of webhook notifications: generic JSON, Slack ({@code text}) and Discord ({@code content}). */
public final class Webhooks {

  /** The events a webhook may subscribe to. */
  public static final JsonArray ALL_EVENTS = new JsonArray().add("completed").add("failed").add("cancelled")
      .add("prompt");
  /** The payload formats. */
  public static final Set<String> FORMATS = Set.of("generic", "slack", "discord");

  private Webhooks() {
  }

  /** The body for {@code format}. */
  static JsonObject payload(String format, String kind, JsonObject execution, Map<String, Object> event,
      String link) {
    String name = execution.getString("workflow_name", execution.getString("workflow_id"));
    String text = switch (kind) {
      case "prompt" -> "PULSE: '" + name + "' waits for an answer: " + prompt(event) + " " + link;
      case "failed" -> "PULSE: '" + name + "' failed: " + execution.getString("error", "") + " " + link;
      default -> "PULSE: '" + name + "' " + kind + " " + link;
    };
    return switch (format) {
      case "slack" -> new JsonObject().put("text", text);
      case "discord" -> new JsonObject().put("content", text);
      default -> new JsonObject().put("event", "execution." + kind)
          .put("execution_id", execution.getString("id", execution.getString("execution_id")))
          .put("workflow_id", execution.getString("workflow_id")).put("workflow_name", name)
          .put("status", execution.getString("status")).put("error", execution.getString("error"))
          .put("started_by", execution.getString("started_by"))
          .put("prompt", "prompt".equals(kind) && event.get("prompt") instanceof Map<?, ?> prompt
              ? new JsonObject(copy(prompt)) : null)
          .put("url", link);
    };
  }

  private static Map<String, Object> copy(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((key, value) -> out.put(String.valueOf(key), value));
    return out;
  }

  private static String prompt(Map<String, Object> event) {
    return event.get("prompt") instanceof Map<?, ?> prompt ? String.valueOf(prompt.get("message")) : "";
  }

  /** A webhook address without its path and query, which often carry a secret token. */
  static String safe(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/…";
    } catch (RuntimeException e) {
      return "(unreadable address)";
    }
  }
}
