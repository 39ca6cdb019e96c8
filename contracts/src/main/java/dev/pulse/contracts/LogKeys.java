package dev.pulse.contracts;

import org.slf4j.spi.LoggingEventBuilder;

/**
 * Key names of the key-value pairs log statements attach with SLF4J's fluent API, e.g.
 * {@code LOG.atInfo().addKeyValue(EXECUTION_ID, id).log("Execution {} ...", id)}.
 *
 * <p>With {@code LOG_FORMAT=json} logback writes them as fields of each line
 * ({@code "kvpList":[{"execution_id":"…"}]}), so a log shipper or {@code jq} can follow one
 * execution, command, worker or workflow. The text format shows only the message, which already
 * names the same ids. The names are the spec's wire field names. A null value would be written as
 * the text {@code "null"}; leave such a key out instead.
 */
public final class LogKeys {

  private LogKeys() {
  }

  /** The execution a line concerns (a workflow run, or a worker-local workflow). */
  public static final String EXECUTION_ID = "execution_id";

  /** The command (one step on one worker, or a direct command) a line concerns. */
  public static final String COMMAND_ID = "command_id";

  /** The worker a line concerns, by its id. */
  public static final String WORKER_ID = "worker_id";

  /** The worker a line concerns, by its name (set as well as, or where there is no, worker id). */
  public static final String WORKER_NAME = "worker_name";

  /** The workflow (definition) a line concerns. */
  public static final String WORKFLOW_ID = "workflow_id";

  /** {@code event} with the ids of {@code dispatch}: command_id, worker_id and, for a workflow step, execution_id. */
  public static LoggingEventBuilder withIds(LoggingEventBuilder event, CommandDispatch dispatch) {
    event.addKeyValue(COMMAND_ID, dispatch.commandId());
    if (dispatch.executionId() != null) {
      event.addKeyValue(EXECUTION_ID, dispatch.executionId());
    }
    if (dispatch.workerId() != null) {
      event.addKeyValue(WORKER_ID, dispatch.workerId());
    }
    return event;
  }

  /** {@code event} with the ids of a local workflow: execution_id and worker_id. */
  public static LoggingEventBuilder withIds(LoggingEventBuilder event, WorkflowDispatch dispatch) {
    event.addKeyValue(EXECUTION_ID, dispatch.executionId());
    if (dispatch.workerId() != null) {
      event.addKeyValue(WORKER_ID, dispatch.workerId());
    }
    return event;
  }
}
