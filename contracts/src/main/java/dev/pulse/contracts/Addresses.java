package dev.pulse.contracts;

/**
 * Every event-bus address PULSE uses, in one place.
 *
 * <p>Requests ({@code request}) are quick RPCs answered with a JSON body or failed with a
 * status from {@link ErrorCodes}; events ({@code publish}) are watched by observers such as the
 * dashboard. No other class spells an address.
 */
public final class Addresses {

  private Addresses() {
  }

  /** Prefix of every PULSE address. */
  public static final String PREFIX = "pulse.";

  /** Prefix of the events the dashboard may receive through the SockJS bridge. */
  public static final String EVENTS_PREFIX = PREFIX + "events.";

  // ---------------------------------------------------------------- registry

  /**
   * Consumed by the registry. A worker announces itself ({@code worker_connect}) with its API
   * key; replies {@code {accepted, worker_id}} or fails 401 when the key is refused.
   */
  public static final String REGISTRY_CONNECT = PREFIX + "registry.connect";

  /**
   * Consumed by the registry. A worker heartbeat with metrics ({@link Heartbeat}); replies
   * {@code {status}}; fails 401 for a refused key and 404 when the worker must connect again.
   */
  public static final String REGISTRY_HEARTBEAT = PREFIX + "registry.heartbeat";

  /** Consumed by the registry. Replies {@code {workers:[...]}}: every known worker. */
  public static final String REGISTRY_LIST = PREFIX + "registry.list";

  /** Consumed by the registry. {@code {worker_id}}; deletes a worker, 404 when unknown. */
  public static final String REGISTRY_DELETE = PREFIX + "registry.delete";

  /**
   * Consumed by the registry. {@code {targets:[...]}} resolves step targets ("all", names,
   * groups) to {@code {workers:[{worker_id, name, status}]}}; fails 404 naming unknown targets.
   */
  public static final String REGISTRY_RESOLVE = PREFIX + "registry.resolve";

  /**
   * Consumed by the registry. Runs one command on one worker now ({@code {worker_id, command,
   * timeout, requested_by}}); replies {@code {command_id}} at once, the result is stored.
   */
  public static final String REGISTRY_COMMAND = PREFIX + "registry.command";

  /** Consumed by the registry. {@code {command_id}}: one direct command with its result. */
  public static final String REGISTRY_COMMAND_GET = PREFIX + "registry.command.get";

  /**
   * Consumed by the registry. {@link CommandResult}s of direct commands, sent by workers;
   * replied with an empty ack once stored, so the worker can drop its copy.
   */
  public static final String REGISTRY_RESULTS = PREFIX + "registry.results";

  /**
   * Consumed by the registry. {@code {worker_id, requested_by}} (an id or a name): replaces the
   * worker's own key at once, the old one is refused from then on. A connected worker makes the
   * new key itself on a signed {@code rotate_key} control message and proves it held the old one
   * (see {@link dev.pulse.contracts.signing.WorkerKeyProof}); no key crosses the bus. Replies
   * {@code {worker_id, name, rotated, delivered, message}}: {@code delivered} is false when the
   * worker could not take a new key now, in which case it gets one when it next enrols with
   * WORKER_API_KEY. Fails 404 for an unknown worker, 409 for a revoked one.
   */
  public static final String REGISTRY_KEY_ROTATE = PREFIX + "registry.key.rotate";

  /**
   * Consumed by the registry. {@code {worker_id, requested_by}} (an id or a name): clears the
   * worker's key and marks it {@code revoked}: its connects and heartbeats are refused (401) at
   * once, and WORKER_API_KEY cannot enrol that id or name again until the worker is deleted.
   * Replies {@code {worker_id, name, revoked, status}}; fails 404 for an unknown worker.
   */
  public static final String REGISTRY_KEY_REVOKE = PREFIX + "registry.key.revoke";

  /**
   * Consumed by the registry. Hands a local workflow to one worker ({@code {worker_id, name, steps,
   * requested_by}}); replies {@code {workflow_run_id, worker_id, worker_name, status}} at once. Fails 400
   * naming a bad field, 404 for an unknown worker, 409 for one that is offline, revoked or draining.
   * The run is read back with {@link #REGISTRY_COMMAND_GET} (its {@code command_id} is the run id).
   */
  public static final String REGISTRY_WORKFLOW = PREFIX + "registry.workflow";

  /**
   * Consumed by the registry. {@link WorkflowResult}s of local workflows, sent by workers;
   * replied with an empty ack once stored (repeats are acknowledged too), so the worker can drop its copy.
   */
  public static final String REGISTRY_WORKFLOW_RESULTS = PREFIX + "registry.workflow.results";

  /** Consumed by the registry. Liveness probe for health checks; replies {@code {role}}. */
  public static final String REGISTRY_PING = PREFIX + "registry.ping";

  // ------------------------------------------------------------------ engine

  /** Consumed by the engine. Liveness probe for health checks; replies {@code {role}}. */
  public static final String ENGINE_PING = PREFIX + "engine.ping";

  /** Consumed by the engine. Creates a workflow {@code {name, description, definition, created_by}}. */
  public static final String ENGINE_WORKFLOW_CREATE = PREFIX + "engine.workflow.create";

  /** Consumed by the engine. Replies {@code {workflows:[...]}}. */
  public static final String ENGINE_WORKFLOW_LIST = PREFIX + "engine.workflow.list";

  /** Consumed by the engine. {@code {id}}: one workflow, 404 when unknown. */
  public static final String ENGINE_WORKFLOW_GET = PREFIX + "engine.workflow.get";

  /** Consumed by the engine. {@code {id, name, description, definition}}: replaces a workflow. */
  public static final String ENGINE_WORKFLOW_UPDATE = PREFIX + "engine.workflow.update";

  /** Consumed by the engine. {@code {id}}: deletes a workflow, 409 while an execution runs. */
  public static final String ENGINE_WORKFLOW_DELETE = PREFIX + "engine.workflow.delete";

  /**
   * Consumed by the engine. {@code {workflow_id}}: the workflow's schedule {@code {workflow_id, cron,
   * time_zone, enabled, next_run_at, updated_by, updated_at}} ({@code cron} null when none is set); 404
   * for an unknown workflow.
   */
  public static final String ENGINE_SCHEDULE_GET = PREFIX + "engine.schedule.get";

  /**
   * Consumed by the engine. {@code {workflow_id, cron, time_zone?, enabled?, updated_by}}: sets the
   * workflow's schedule (a 5-field Unix cron expression in an IANA time zone, default UTC);
   * {@code enabled: false} keeps it but starts nothing. Replies as {@link #ENGINE_SCHEDULE_GET};
   * fails 400 naming {@code cron} or {@code time_zone}, 404 for an unknown workflow.
   */
  public static final String ENGINE_SCHEDULE_PUT = PREFIX + "engine.schedule.put";

  /** Consumed by the engine. {@code {workflow_id, started_by}}: starts an execution, replies {@code {id}}. */
  public static final String ENGINE_EXECUTION_START = PREFIX + "engine.execution.start";

  /** Consumed by the engine. {@code {status?, workflow_id?, limit?, offset?}}: replies {@code {executions:[...]}}. */
  public static final String ENGINE_EXECUTION_LIST = PREFIX + "engine.execution.list";

  /** Consumed by the engine. {@code {id}}: one execution with its logs. */
  public static final String ENGINE_EXECUTION_GET = PREFIX + "engine.execution.get";

  /** Consumed by the engine. {@code {id, response, responded_by}}: answers the pending prompt. */
  public static final String ENGINE_EXECUTION_RESPOND = PREFIX + "engine.execution.respond";

  /** Consumed by the engine. {@code {id, cancelled_by}}: cancels an execution. */
  public static final String ENGINE_EXECUTION_CANCEL = PREFIX + "engine.execution.cancel";

  /** Consumed by the engine. {@code {id, resumed_by}}: resumes a failed execution from the step that failed. */
  public static final String ENGINE_EXECUTION_RESUME = PREFIX + "engine.execution.resume";

  /**
   * Consumed by the engine. {@link CommandResult}s of workflow steps, sent by workers and
   * acknowledged once recorded.
   */
  public static final String ENGINE_RESULTS = PREFIX + "engine.results";

  // ------------------------------------------------------------------ worker

  /**
   * Consumed by one worker. {@link CommandDispatch} ({@code execute_command}), signed by a server
   * node; replies {@code {accepted, queued}} at once, the result follows on the dispatch's
   * {@code reply_to}. A dispatch that is unsigned, altered, for another worker, stale or outside
   * the worker's allow-list fails 403 and never runs; its refusal is also reported as a
   * {@link CommandResult} with an {@code error} to {@code reply_to}.
   */
  public static String workerExecute(String workerId) {
    return PREFIX + "worker." + workerId + ".execute";
  }

  /**
   * Consumed by one worker. {@link WorkflowDispatch} ({@code execute_workflow}), signed by a server
   * node; replies {@code {accepted, queued}} at once (or {@code duplicate} for a known id). The
   * worker runs the steps by itself and sends one {@link WorkflowResult} to {@code reply_to} when it
   * can. Fails 403 when unsigned, altered, for another worker, stale or with a command outside the
   * allow-list; 400 for a malformed one; 409 while draining; 429 when the queue is full.
   */
  public static String workerWorkflow(String workerId) {
    return PREFIX + "worker." + workerId + ".workflow";
  }

  /**
   * Consumed by one worker. Control messages {@code {type}}: {@code ping} (replies
   * {@code pong}), {@code cancel} ({@code {command_id}}), {@code drain} (stop taking work),
   * {@code rotate_key} ({@code {nonce}}; replies {@code {key_hash, proof}}) and {@code revoked}.
   * Every type but {@code ping} must be signed for this worker
   * ({@link dev.pulse.contracts.signing.DispatchSigner#signControl}), else it fails 403.
   */
  public static String workerControl(String workerId) {
    return PREFIX + "worker." + workerId + ".control";
  }

  // ------------------------------------------------------------------ events

  /** Published by the registry: {@code worker_update {worker_id, name, status}}. */
  public static final String EVENT_WORKER_UPDATE = EVENTS_PREFIX + "worker_update";

  /**
   * Published by the registry on every heartbeat: {@code worker_metrics {worker_id, name, status,
   * last_heartbeat, metadata}}, so the dashboard can draw trends without polling.
   */
  public static final String EVENT_WORKER_METRICS = EVENTS_PREFIX + "worker_metrics";

  /** Published by the engine: {@code workflow_created {workflow_id}} (also updated/deleted via {@code type}). */
  public static final String EVENT_WORKFLOW = EVENTS_PREFIX + "workflow";

  /** Published by the engine: {@code execution_started}, {@code execution_status}, {@code execution_prompt} and step events. */
  public static final String EVENT_EXECUTION = EVENTS_PREFIX + "execution";

  /**
   * Published by workers while a command runs: {@link OutputChunk}s of stdout and stderr. Not
   * stored chunk by chunk; the final {@link CommandResult} carries the capped output.
   */
  public static final String EVENT_OUTPUT = EVENTS_PREFIX + "output";

  /**
   * Published by the registry when it stores the end of a direct command, the worker's real result
   * or its own {@code worker_lost}/{@code worker_unreachable}/{@code worker_refused} marker:
   * {@link CommandFinished} ({@code command_finished}), once per stored change, never for an
   * ignored duplicate. Watched by the dashboard's command panel; the stored result stays at
   * {@link #REGISTRY_COMMAND_GET}. Not on {@link #EVENT_OUTPUT}: its consumers take every message
   * there for an {@link OutputChunk}.
   */
  public static final String EVENT_COMMAND = EVENTS_PREFIX + "command";
}
