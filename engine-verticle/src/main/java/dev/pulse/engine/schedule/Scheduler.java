package dev.pulse.engine.schedule;

import static dev.pulse.contracts.LogKeys.EXECUTION_ID;
import static dev.pulse.contracts.LogKeys.WORKFLOW_ID;

import dev.pulse.contracts.PulseException;
import dev.pulse.engine.run.ExecutionService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the runs of due schedules. Every engine node ticks; for each due schedule a node first
 * moves {@code next_run_at} on with a compare-and-set, then records the run under the unique
 * (workflow, due time) key, and only the node that did both starts the execution, so each due
 * time starts once however many nodes tick. Due times missed while no engine ran are coalesced:
 * one run for the most recent of them, then the schedule goes on from the next future time.
 */
public final class Scheduler {

  /** The {@code started_by} of the executions a schedule starts. */
  public static final String STARTED_BY = "scheduler";

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final int MISSED_COUNT_CAP = 10_000;

  private final ScheduleStore schedules;
  private final ExecutionService executions;
  private final Clock clock;
  private final String node;
  private boolean ticking;

  public Scheduler(ScheduleStore schedules, ExecutionService executions, Clock clock, String node) {
    this.schedules = schedules;
    this.executions = executions;
    this.clock = clock;
    this.node = node;
  }

  /** Starts what is due now; a tick still running makes this one a no-op. */
  public void tick() {
    if (ticking) {
      return;
    }
    ticking = true;
    Instant now = clock.instant();
    schedules.due(now)
        .compose(due -> fireAll(due, now))
        .onFailure(failure -> LOG.warn("Scheduler tick failed: {}", failure.toString()))
        .onComplete(done -> ticking = false);
  }

  private Future<Void> fireAll(List<ScheduleStore.Due> due, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (ScheduleStore.Due schedule : due) {
      chain = chain.compose(previous -> fire(schedule, now)
          .recover(failure -> {
            LOG.atWarn().addKeyValue(WORKFLOW_ID, schedule.workflowId())
                .log("Scheduled run of workflow {} failed: {}", schedule.workflowId(), failure.toString());
            return Future.succeededFuture();
          }));
    }
    return chain;
  }

  private Future<Void> fire(ScheduleStore.Due due, Instant now) {
    CronSchedule cron;
    try {
      cron = CronSchedule.parse(due.cron(), due.timeZone());
    } catch (PulseException bad) {
      return Future.failedFuture(bad);
    }
    Instant latest = cron.latest(now);
    Instant runAt = latest == null || latest.isBefore(due.nextRunAt()) ? due.nextRunAt() : latest;
    int missed = missed(cron, due.nextRunAt(), runAt);
    Instant next = cron.next(runAt);
    return schedules.advance(due.workflowId(), due.nextRunAt(), next)
        .compose(moved -> moved ? schedules.claimRun(due.workflowId(), runAt, node, missed)
            : Future.succeededFuture(false))
        .compose(claimed -> claimed ? start(due.workflowId(), runAt, missed) : Future.succeededFuture());
  }

  private Future<Void> start(String workflowId, Instant runAt, int missed) {
    if (missed > 0) {
      LOG.atInfo().addKeyValue(WORKFLOW_ID, workflowId).log("Workflow {} missed {} scheduled run(s) before {};"
          + " starting one run for {}", workflowId, missed, runAt, runAt);
    }
    return executions.start(new JsonObject().put("workflow_id", workflowId).put("started_by", STARTED_BY))
        .compose(reply -> {
          String executionId = reply.getString("id");
          LOG.atInfo().addKeyValue(WORKFLOW_ID, workflowId).addKeyValue(EXECUTION_ID, executionId)
              .log("Scheduled run of workflow {} due {} started as execution {}", workflowId, runAt, executionId);
          return schedules.started(workflowId, runAt, executionId);
        });
  }

  /** How many due times before {@code runAt} were skipped (coalesced into the run of {@code runAt}). */
  private static int missed(CronSchedule cron, Instant from, Instant runAt) {
    int count = 0;
    for (Instant t = from; t != null && t.isBefore(runAt) && count < MISSED_COUNT_CAP; t = cron.next(t)) {
      count++;
    }
    return count;
  }
}
