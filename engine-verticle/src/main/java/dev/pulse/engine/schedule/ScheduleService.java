package dev.pulse.engine.schedule;

import dev.pulse.contracts.PulseException;
import dev.pulse.engine.store.WorkflowStore;
import dev.pulse.storage.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;

/** The schedule addresses: get and put a workflow's cron schedule. */
public final class ScheduleService {

  private final ScheduleStore schedules;
  private final WorkflowStore workflows;
  private final Clock clock;

  public ScheduleService(ScheduleStore schedules, WorkflowStore workflows, Clock clock) {
    this.schedules = schedules;
    this.workflows = workflows;
    this.clock = clock;
  }

  /** {@code {workflow_id}} → the schedule; {@code cron} null when none is set; 404 for an unknown workflow. */
  public Future<JsonObject> get(JsonObject request) {
    String workflowId = workflowId(request);
    return known(workflowId).compose(known -> schedules.get(workflowId)).recover(Database::unavailable)
        .map(found -> found != null ? found : new JsonObject().put("workflow_id", workflowId).putNull("cron")
            .put("time_zone", CronSchedule.DEFAULT_ZONE).put("enabled", false).putNull("next_run_at"));
  }

  /** {@code {workflow_id, cron, time_zone?, enabled?, updated_by}} → the stored schedule with its next run. */
  public Future<JsonObject> put(JsonObject request) {
    String workflowId = workflowId(request);
    CronSchedule cron = CronSchedule.parse(request.getValue("cron"), request.getValue("time_zone"));
    Object enabledValue = request.getValue("enabled");
    if (enabledValue != null && !(enabledValue instanceof Boolean)) {
      throw PulseException.badRequest("enabled must be true or false");
    }
    boolean enabled = enabledValue == null || (Boolean) enabledValue;
    Instant next = enabled ? cron.next(clock.instant()) : null;
    return known(workflowId)
        .compose(known -> schedules.put(workflowId, request.getString("cron").trim(), cron.zone(), enabled, next,
            request.getString("updated_by")))
        .recover(Database::unavailable);
  }

  private Future<Void> known(String workflowId) {
    return workflows.get(workflowId).compose(found -> found == null
        ? Future.failedFuture(PulseException.notFound("Workflow " + workflowId + " does not exist"))
        : Future.succeededFuture());
  }

  private static String workflowId(JsonObject request) {
    Object value = request.getValue("workflow_id");
    if (!(value instanceof String text) || text.isBlank()) {
      throw PulseException.badRequest("workflow_id is required");
    }
    return text;
  }
}
