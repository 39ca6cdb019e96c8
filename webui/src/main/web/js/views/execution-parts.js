// Drawing the pieces of one execution: summary, prompt card, step timeline, host × step grid, log.
import { h, append, badge } from '../dom.js';
import { dateTime, duration, time, toDate, words } from '../format.js';

const STEP_WORDS = { completed: 'done', running: 'running', pending: 'pending', skipped: 'skipped', failed: 'failed' };

export function summary(execution, { onCancel, onResume }) {
  const started = toDate(execution.startedAt);
  const ended = toDate(execution.completedAt);
  const facts = h('dl', { class: 'facts facts-inline' },
    fact('Status', badge(execution.status, 'execution-status')),
    fact('Started by', execution.startedBy || '—'),
    fact('Started', dateTime(execution.startedAt)),
    fact(ended ? 'Finished' : 'Running for', ended ? dateTime(execution.completedAt)
      : (started ? duration(Date.now() - started.getTime()) : '—')),
    ended && started ? fact('Took', duration(ended.getTime() - started.getTime())) : null);
  const cancel = execution.terminal ? null
    : h('button', { type: 'button', class: 'danger', dataset: { testid: 'execution-cancel' }, onclick: onCancel }, 'Cancel execution');
  const resume = execution.status === 'failed'
    ? h('button', { type: 'button', class: 'primary', dataset: { testid: 'execution-resume' }, onclick: onResume,
      title: 'Run the failed step again and go on from there' }, 'Resume from the failed step')
    : null;
  // A branch, sub-workflow or onFailure run is resumed through the execution it belongs to.
  const action = cancel || (execution.parentId ? null : resume);
  const parent = execution.parentId
    ? h('p', { class: 'small-text', dataset: { testid: 'execution-parent' } }, 'Runs for a step of ',
      h('a', { href: `#/executions/${encodeURIComponent(execution.parentId)}` }, 'its parent execution'), '.')
    : null;
  return h('section', { class: 'card execution-summary', 'aria-label': 'Execution summary' },
    facts, parent, action ? h('div', { class: 'card-actions' }, action) : null, result(execution));
}

function result(execution) {
  if (!execution.terminal) return null;
  const failedSteps = execution.steps.filter((s) => s.status === 'failed').map((s) => s.name);
  let text;
  if (execution.status === 'completed') {
    const ran = execution.steps.filter((s) => s.status === 'completed').length;
    const skipped = execution.steps.filter((s) => s.status === 'skipped').length;
    text = `Completed: ${ran} step${ran === 1 ? '' : 's'} done${skipped ? `, ${skipped} skipped` : ''}.`;
  } else if (execution.status === 'cancelled') {
    const why = (execution.error || '').replace(/^cancell?ed\s*/i, '');
    text = `Cancelled${why ? ` ${why}` : ''}.`;
  } else {
    text = `Failed${failedSteps.length ? ` at ${failedSteps.join(', ')}` : ''}.${execution.error ? ` ${execution.error}` : ''}`;
  }
  return h('p', { class: `result result-${execution.status}`, role: 'status', dataset: { testid: 'execution-result', status: execution.status } }, text);
}

export function promptCard(prompt, { onAnswer }) {
  const buttons = prompt.options.map((option) => h('button', {
    type: 'button', class: 'primary', dataset: { testid: 'prompt-option', option: String(option) },
    onclick: (e) => onAnswer(String(option), e.currentTarget),
  }, String(option)));
  const error = h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'prompt-error' } });
  return {
    error,
    el: h('section', { class: 'card prompt-card', role: 'region', 'aria-label': 'Waiting for your answer', dataset: { testid: 'prompt-card' } },
      h('h2', {}, 'Waiting for your answer'),
      h('p', { class: 'prompt-message', dataset: { testid: 'prompt-message' } }, prompt.message),
      approvalNote(prompt),
      h('div', { class: 'prompt-options' }, buttons.length ? buttons : h('p', { class: 'muted' }, 'This prompt has no options.')),
      error),
  };
}

/** Who may answer and how many answers are in, for prompts that need approvers or a quorum. */
function approvalNote(prompt) {
  const who = prompt.approvers ? [...(prompt.approvers.groups || []).map((g) => `group ${g}`),
    ...(prompt.approvers.users || [])] : [];
  if (prompt.required <= 1 && who.length === 0) return null;
  const parts = [];
  if (who.length) parts.push(`Answered by ${who.join(', ')}`);
  if (prompt.required > 1) {
    const votes = prompt.votes.map((v) => `${v.by}: ${v.response}`).join(', ');
    parts.push(`${prompt.votes.length} of ${prompt.required} matching answers needed so far${votes ? ` (${votes})` : ''}`);
  }
  return h('p', { class: 'muted small-text', dataset: { testid: 'prompt-approval' } }, parts.join(' · '));
}

export function timeline(execution) {
  return h('ol', { class: 'timeline', dataset: { testid: 'timeline' } }, execution.steps.map((s) => {
    const waiting = s.type === 'prompt' && s.status === 'running' && execution.status === 'waiting_for_input';
    const label = waiting ? 'waiting for answer' : (STEP_WORDS[s.status] || words(s.status));
    return h('li', { class: `timeline-step step-${s.status}`, dataset: { testid: 'timeline-step', step: String(s.index), status: s.status } },
      h('span', { class: 'timeline-marker', 'aria-hidden': 'true' }),
      h('div', { class: 'timeline-body' },
        h('div', { class: 'timeline-title' },
          h('strong', {}, `${s.index + 1}. ${s.name}`), ' ',
          h('span', { class: `badge badge-${s.status}`, dataset: { testid: 'step-status' } }, label),
          s.onFailure ? [' ', h('span', { class: 'badge', dataset: { testid: 'step-on-failure' } }, 'on failure')] : null),
        h('div', { class: 'muted small-text' }, stepDetail(s)),
        s.condition ? h('div', { class: 'small-text' }, 'Runs only if ', h('code', {}, s.condition)) : null,
        s.response ? h('div', { class: 'small-text', dataset: { testid: 'step-response' } },
          `Answered “${s.response}”${s.respondedBy ? ` by ${s.respondedBy}` : ''}`) : null,
        s.error ? h('div', { class: 'small-text error-text' }, s.error) : null,
        children(s)));
  }));
}

const CHILD_WORDS = { completed: 'done', waiting_for_input: 'waiting for an answer' };

/** The executions a step started: its branches, the workflow it runs, its onFailure steps; each a link. */
function children(s) {
  if (s.children.length === 0) return null;
  return h('ul', { class: 'step-children', dataset: { testid: 'step-children' } }, s.children.map((c) => {
    const what = c.key === 'onFailure' ? 'onFailure steps' : (s.type === 'workflow' ? 'workflow run' : `branch ${c.key}`);
    return h('li', { dataset: { testid: 'step-child', key: c.key, status: c.status } },
      h('a', { href: `#/executions/${encodeURIComponent(c.executionId)}` }, what), ' ',
      h('span', { class: `badge badge-${c.status}` }, CHILD_WORDS[c.status] || words(c.status)),
      c.error ? h('span', { class: 'small-text error-text' }, ` ${c.error}`) : null);
  }));
}

function stepDetail(s) {
  const parts = [s.type];
  if (s.type === 'execute' && s.command) parts.push(`$ ${s.command}`);
  if (s.type === 'execute' && s.targets.length) parts.push(`on ${s.targets.join(', ')}`);
  if (s.type === 'wait' && typeof s.duration === 'number') parts.push(`for ${duration(s.duration)}`);
  if (s.type === 'prompt' && s.message) parts.push(s.message);
  if (s.type === 'parallel' && s.branches.length) parts.push(`${s.branches.length} branches at once: ${s.branches.join(', ')}`);
  if (s.type === 'workflow' && s.workflow) parts.push(`runs workflow ${s.workflow}`);
  if (s.handlerSteps) parts.push(`${s.handlerSteps} onFailure step${s.handlerSteps === 1 ? '' : 's'} if it fails`);
  const started = toDate(s.startedAt);
  const finished = toDate(s.finishedAt);
  if (started) parts.push(`started ${time(s.startedAt)}`);
  if (started && finished) parts.push(`took ${duration(finished.getTime() - started.getTime())}`);
  return parts.join(' · ');
}

/** Hosts (rows) × execute steps (columns); each cell says how that host's command went. */
export function grid(execution, { onSelect }) {
  const steps = execution.steps.filter((s) => s.type === 'execute');
  const hosts = new Map();
  for (const s of steps) for (const t of s.hosts) if (!hosts.has(t.workerId)) hosts.set(t.workerId, t.workerName);
  if (steps.length === 0) return null;
  if (hosts.size === 0) return h('p', { class: 'muted', dataset: { testid: 'host-grid-empty' } }, 'No command has been sent to a worker yet.');
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Host'),
    steps.map((s) => h('th', { scope: 'col' }, `${s.index + 1}. ${s.name}`)));
  const rows = [...hosts.entries()].sort((a, b) => String(a[1]).localeCompare(String(b[1]))).map(([workerId, workerName]) => h('tr', {},
    h('th', { scope: 'row' }, workerName),
    steps.map((s) => {
      const target = s.hosts.find((t) => t.workerId === workerId);
      const status = target ? target.status : (s.status === 'skipped' ? 'skipped' : s.status === 'pending' ? 'pending' : 'none');
      const text = target ? cellText(target) : (status === 'none' ? 'not targeted' : words(status));
      const content = target
        ? h('button', { type: 'button', class: `cell cell-${status}`, onclick: () => onSelect(s.index, workerId),
          'aria-label': `${workerName}, ${s.name}: ${text}. Show output`, dataset: { testid: 'grid-cell', worker: workerName, step: String(s.index), status } }, text)
        : h('span', { class: `cell cell-${status}`, dataset: { testid: 'grid-cell', worker: workerName, step: String(s.index), status } }, text);
      return h('td', {}, content);
    })));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid', dataset: { testid: 'host-grid' } },
    h('caption', { class: 'sr-only' }, 'Hosts by execute step'), h('thead', {}, head), h('tbody', {}, rows)));
}

function cellText(target) {
  const text = cellStatus(target);
  return target.attempt > 1 ? `${text} · attempt ${target.attempt}` : text;
}

function cellStatus(target) {
  if (target.status === 'running') return 'running';
  if (target.status === 'retrying') return 'failed, retrying';
  if (target.timedOut) return 'timed out';
  if (target.error && (target.exitCode === undefined || target.exitCode === -1)) return 'failed';
  if (typeof target.exitCode === 'number') return `${target.status === 'completed' ? 'done' : 'failed'} (exit ${target.exitCode})`;
  return words(target.status);
}

/** The execution's log; its lines are built only while it is open (hundreds on a large fan-out). */
export function log(execution, { open = false, onToggle } = {}) {
  if (execution.logs.length === 0) return null;
  const lines = h('ol', { class: 'log-lines' });
  const el = h('details', { class: 'card log', open, dataset: { testid: 'execution-log' } },
    h('summary', {}, `Log (${execution.logs.length} entries)`), lines);
  const fill = () => {
    if (lines.firstChild) return;
    append(lines, execution.logs.map((entry) => h('li', {},
      h('time', { class: 'muted' }, time(entry.at || entry.timestamp || entry.time)), ' ',
      entry.message || entry.event || JSON.stringify(entry))));
  };
  el.addEventListener('toggle', () => {
    if (el.open) fill();
    if (onToggle) onToggle(el.open);
  });
  if (open) fill();
  return el;
}

function fact(term, value) {
  return h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, value));
}
