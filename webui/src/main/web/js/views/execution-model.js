// Reads GET /api/executions/:id into one shape the execution view draws. The reader is lenient
// (definition as object or text, step states beside or inside the steps, outcome or result) so a
// change in the engine's JSON degrades the view instead of breaking it.

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

function object(value) {
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value);
      return parsed && typeof parsed === 'object' ? parsed : null;
    } catch (e) {
      return null;
    }
  }
  return value && typeof value === 'object' ? value : null;
}

function list(...candidates) {
  for (const candidate of candidates) {
    const value = typeof candidate === 'string' ? object(candidate) : candidate;
    if (Array.isArray(value)) return value;
  }
  return [];
}

function first(...values) {
  return values.find((v) => v !== undefined && v !== null);
}

const STEP_STATUS = { done: 'completed', succeeded: 'completed', success: 'completed', error: 'failed', waiting: 'running' };

function host(raw) {
  const result = object(raw.outcome) || object(raw.result) || {};
  return {
    workerId: first(raw.worker_id, raw.workerId, raw.id),
    workerName: first(raw.worker_name, raw.workerName, raw.name, raw.worker_id),
    commandId: first(raw.command_id, raw.commandId),
    status: first(raw.status, result.success === true ? 'completed' : null, result.success === false ? 'failed' : null, 'running'),
    exitCode: first(result.exit_code, result.exitCode, raw.exit_code),
    stdout: first(result.stdout, raw.stdout, ''),
    stderr: first(result.stderr, raw.stderr, ''),
    duration: first(result.duration, raw.duration),
    timedOut: Boolean(first(result.timed_out, result.timedOut, raw.timed_out, false)),
    error: first(result.error, raw.error, null),
    attempt: Number(first(raw.attempt, 1)),
  };
}

function step(index, definition, state) {
  const d = definition || {};
  const s = state || {};
  const nested = object(s.step) || object(s.definition) || {};
  const spec = { ...nested, ...d };
  const hosts = list(s.results, s.targets, s.hosts, s.workers).filter((t) => t && typeof t === 'object').map(host);
  const status = String(first(s.status, 'pending'));
  return {
    index,
    name: first(spec.name, s.name, `Step ${index + 1}`),
    type: first(spec.type, s.type, 'execute'),
    command: first(spec.command, s.command),
    targets: list(spec.targets).filter((t) => typeof t === 'string'),
    condition: first(spec.condition, s.condition),
    message: first(spec.message, s.message),
    options: list(spec.options, s.options),
    duration: first(spec.duration, s.duration_ms),
    status: STEP_STATUS[status] || status,
    startedAt: first(s.started_at, s.startedAt),
    finishedAt: first(s.finished_at, s.completed_at, s.finishedAt),
    error: first(s.error, null),
    response: first(s.response, null),
    respondedBy: first(s.responded_by, s.respondedBy, null),
    onFailure: Boolean(s.on_failure),
    workflow: first(spec.workflow, null),
    branches: list(spec.branches).map((b, i) => (b && b.name) || `Branch ${i + 1}`),
    handlerSteps: list(spec.onFailure).length,
    children: list(s.children).filter((c) => c && typeof c === 'object').map((c) => ({
      key: String(first(c.key, '')), executionId: first(c.execution_id, c.executionId), status: String(first(c.status, 'pending')),
      error: first(c.error, null),
    })),
    hosts,
  };
}

function prompt(raw, state, steps, status) {
  const given = object(raw.prompt) || object(raw.pending_prompt) || object(state.prompt) || object(state.pending_prompt);
  if (given && (given.message || given.options)) {
    return {
      message: given.message || '', options: list(given.options), step: first(given.step, given.step_index, null),
      required: Number(first(given.required, 1)), votes: list(given.votes), approvers: object(given.approvers),
    };
  }
  if (status !== 'waiting_for_input') return null;
  const waiting = steps.find((s) => s.type === 'prompt' && s.status === 'running');
  return waiting ? { message: waiting.message || '', options: waiting.options, step: waiting.index } : null;
}

export function readExecution(raw) {
  const e = object(raw && raw.execution) || raw || {};
  const state = object(e.state) || {};
  const definition = object(e.definition) || object(state.definition) || object(e.workflow && e.workflow.definition) || {};
  const definitionSteps = list(definition.steps, e.workflow_steps, state.definition_steps);
  const stepStates = list(e.steps, state.steps, e.step_states, state.step_states);
  const count = Math.max(definitionSteps.length, stepStates.length);
  const steps = [];
  for (let i = 0; i < count; i += 1) steps.push(step(i, definitionSteps[i], stepStates[i]));
  const status = String(first(e.status, state.status, 'pending'));
  return {
    id: first(e.id, e.execution_id),
    workflowId: e.workflow_id,
    parentId: first(e.parent_execution_id, null),
    workflowName: first(e.workflow_name, e.workflow && e.workflow.name, state.workflow_name, 'Execution'),
    status,
    startedBy: first(e.started_by, state.started_by, null),
    startedAt: first(e.started_at, state.started_at, e.created_at),
    completedAt: first(e.completed_at, state.completed_at, null),
    error: first(e.error, state.error, null),
    current: first(e.current_step, e.current, state.current, null),
    promptResponse: first(e.prompt_response, state.prompt_response, null),
    steps,
    prompt: prompt(e, state, steps, status),
    logs: list(e.logs, state.logs).filter((l) => l && typeof l === 'object'),
    terminal: TERMINAL.has(status),
  };
}
