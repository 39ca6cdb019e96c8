// Recent executions with a status filter; execution events keep the list current.
import { api, asList } from '../api.js';
import { h, replace, uid, badge, debounce } from '../dom.js';
import { dateTime, duration, toDate } from '../format.js';
import * as live from '../live.js';
import { showError } from '../notices.js';
import { paramsForm } from '../components/params-form.js';

export const STATUSES = ['pending', 'running', 'waiting_for_input', 'completed', 'failed', 'cancelled'];

export function mountExecutions(root, { navigate, query }) {
  const filterId = uid('status-filter');
  const workflowId = uid('start-workflow');
  const filter = h('select', { id: filterId, dataset: { testid: 'execution-filter' } },
    h('option', { value: '' }, 'All statuses'),
    STATUSES.map((s) => h('option', { value: s }, s.replaceAll('_', ' '))));
  filter.value = query.get('status') || '';
  const workflowPicker = h('select', { id: workflowId, dataset: { testid: 'start-workflow' } });
  const start = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'start-execution' } }, 'Start');
  const paramsSlot = h('div', { class: 'params-slot' });
  const startError = h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'start-error' } });
  let workflows = [];
  let params = paramsForm(null);
  const body = h('tbody');
  const summary = h('p', { class: 'muted', role: 'status', dataset: { testid: 'execution-summary' } }, 'Loading executions…');

  replace(root,
    h('div', { class: 'view-head' }, h('h1', {}, 'Executions')),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: filterId }, 'Status'), filter),
      h('form', { class: 'inline-form', onsubmit: (e) => { e.preventDefault(); startRun(); } },
        h('div', { class: 'field' }, h('label', { for: workflowId }, 'Run a workflow'), workflowPicker), start,
        paramsSlot, startError)),
    summary,
    h('div', { class: 'table-wrap' }, h('table', { class: 'table', dataset: { testid: 'execution-list' } },
      h('caption', { class: 'sr-only' }, 'Executions, newest first'),
      h('thead', {}, h('tr', {}, ['Workflow', 'Status', 'Started by', 'Started', 'Took'].map((t) => h('th', { scope: 'col' }, t)))),
      body)));

  workflowPicker.addEventListener('change', showParams);

  /** The chosen workflow's declared params as inputs (nothing for a workflow without params). */
  function showParams() {
    const chosen = workflows.find((w) => w.id === workflowPicker.value);
    const definition = chosen && typeof chosen.definition === 'string' ? JSON.parse(chosen.definition) : chosen && chosen.definition;
    params = paramsForm(definition && definition.params);
    startError.textContent = '';
    replace(paramsSlot, params.el);
  }

  filter.addEventListener('change', () => {
    navigate(filter.value ? `#/executions?status=${filter.value}` : '#/executions', { replace: true });
  });

  async function load() {
    try {
      const executions = asList(await api.executions({ status: filter.value, limit: 50 }), 'executions');
      replace(body, executions.map(row));
      summary.textContent = executions.length === 0
        ? (filter.value ? `No ${filter.value.replaceAll('_', ' ')} executions.` : 'No executions yet. Run a workflow to start one.')
        : `${executions.length} most recent execution${executions.length === 1 ? '' : 's'}.`;
    } catch (e) {
      summary.textContent = 'The executions could not be loaded.';
      showError('Could not load the executions', e);
    }
  }

  async function loadWorkflows() {
    try {
      workflows = asList(await api.workflows(), 'workflows');
      workflows.sort((a, b) => String(a.name).localeCompare(String(b.name)));
      const chosen = workflowPicker.value;
      replace(workflowPicker, workflows.length ? workflows.map((w) => h('option', { value: w.id }, w.name)) : h('option', { value: '' }, 'No workflows'));
      if (chosen) workflowPicker.value = chosen;
      else if (query.get('run') && workflows.some((w) => w.id === query.get('run'))) workflowPicker.value = query.get('run');
      start.disabled = workflows.length === 0;
      if (!chosen || workflowPicker.value !== chosen) showParams();
    } catch (e) {
      showError('Could not load the workflows', e);
    }
  }

  async function startRun() {
    if (!workflowPicker.value) return;
    startError.textContent = '';
    let values;
    try {
      values = params.values();
    } catch (e) {
      startError.textContent = e.message;
      return;
    }
    start.disabled = true;
    try {
      const execution = await api.startExecution(workflowPicker.value, values);
      navigate(`#/executions/${encodeURIComponent(execution.id || execution.execution_id)}`);
    } catch (e) {
      startError.textContent = `The run did not start: ${e.message}`;
      showError('Could not start the workflow', e);
    } finally {
      start.disabled = false;
    }
  }

  function row(execution) {
    const id = execution.id || execution.execution_id;
    const href = `#/executions/${encodeURIComponent(id)}`;
    const started = toDate(execution.started_at);
    const ended = toDate(execution.completed_at);
    const took = started ? duration((ended ? ended.getTime() : Date.now()) - started.getTime()) : '—';
    return h('tr', { dataset: { testid: 'execution-row', executionId: id, status: execution.status } },
      h('td', { 'data-label': 'Workflow' }, h('a', { href }, execution.workflow_name || execution.workflow_id || id),
        execution.parent_execution_id ? h('span', { class: 'muted small-text' }, ' · part of ',
          h('a', { href: `#/executions/${encodeURIComponent(execution.parent_execution_id)}` }, 'another run')) : null),
      h('td', { 'data-label': 'Status' }, badge(execution.status, 'execution-row-status')),
      h('td', { 'data-label': 'Started by' }, execution.started_by || '—'),
      h('td', { 'data-label': 'Started' }, dateTime(execution.started_at || execution.created_at)),
      h('td', { 'data-label': 'Took' }, ended ? took : (started ? `${took} so far` : '—')));
  }

  const reload = debounce(load, 200);
  const offs = [
    live.on('open', () => { load(); loadWorkflows(); }),
    live.on('execution', (event) => {
      if (event.type === 'execution_started' || event.type === 'execution_status') reload();
    }),
    live.on('workflow', loadWorkflows),
  ];
  load();
  loadWorkflows();
  return () => {
    offs.forEach((off) => off());
    reload.cancel();
  };
}
