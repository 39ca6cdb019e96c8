package dev.pulse.contracts;

import io.vertx.core.json.JsonObject;

/**
 * One step of a local workflow ({@link WorkflowDispatch}): run a command, or wait.
 *
 * @param name the step's name, shown in results
 * @param type {@link #EXECUTE} or {@link #WAIT}
 * @param command the shell command of an {@code execute} step, else null
 * @param timeout milliseconds before the command's process tree is killed ({@code execute} only)
 * @param duration milliseconds to wait ({@code wait} only)
 */
public record WorkflowStep(String name, String type, String command, long timeout, long duration) {

  /** Step type: run {@code command} with {@code /bin/sh -c}. */
  public static final String EXECUTE = "execute";
  /** Step type: wait {@code duration} milliseconds. */
  public static final String WAIT = "wait";

  /** Reads the wire form; a missing timeout reads as the default, a missing duration as 0. */
  public static WorkflowStep fromJson(JsonObject json) {
    return new WorkflowStep(json.getString("name"), json.getString("type"), json.getString("command"),
        json.getLong("timeout", CommandDispatch.DEFAULT_TIMEOUT_MS), json.getLong("duration", 0L));
  }

  /** The wire form {@code {name, type, command, timeout, duration}}. */
  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("type", type).put("command", command).put("timeout", timeout)
        .put("duration", duration);
  }
}
