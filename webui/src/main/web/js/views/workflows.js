// The workflow list: run any of them; admins also create, edit and delete.
import { api, asList } from '../api.js';
import { h, replace } from '../dom.js';
import { dateTime } from '../format.js';
import * as live from '../live.js';
import { showError, showInfo } from '../notices.js';
import { definitionOf } from './workflow-editor.js';

export function mountWorkflows(root, { isAdmin, navigate }) {
  const body = h('tbody');
  const summary = h('p', { class: 'muted', role: 'status', dataset: { testid: 'workflow-summary' } }, 'Loading workflows…');
  const table = h('table', { class: 'table', dataset: { testid: 'workflow-list' } },
    h('caption', { class: 'sr-only' }, 'Workflows'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Steps'),
      h('th', { scope: 'col' }, 'Updated'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
    body);
  replace(root,
    h('div', { class: 'view-head' },
      h('h1', {}, 'Workflows'),
      isAdmin ? h('a', { class: 'button primary', href: '#/workflows/new', dataset: { testid: 'workflow-new' } }, 'New workflow') : null),
    summary, h('div', { class: 'table-wrap' }, table));

  async function load() {
    try {
      const workflows = asList(await api.workflows(), 'workflows');
      workflows.sort((a, b) => String(a.name).localeCompare(String(b.name)));
      replace(body, workflows.map(row));
      summary.textContent = workflows.length === 0
        ? (isAdmin ? 'No workflows yet. Create one, perhaps from a template.' : 'No workflows yet. An administrator can create them.')
        : `${workflows.length} workflow${workflows.length === 1 ? '' : 's'}.`;
    } catch (e) {
      summary.textContent = 'The workflows could not be loaded.';
      showError('Could not load the workflows', e);
    }
  }

  function row(workflow) {
    const steps = (definitionOf(workflow).steps || []).length;
    const run = h('button', { type: 'button', class: 'primary small', dataset: { testid: 'workflow-run' } }, 'Run');
    run.addEventListener('click', () => start(workflow, run));
    const open = h('a', { class: 'button secondary small', href: `#/workflows/${encodeURIComponent(workflow.id)}`, dataset: { testid: 'workflow-open' } },
      isAdmin ? 'Edit' : 'View');
    return h('tr', { dataset: { testid: 'workflow-row', workflowId: workflow.id, workflowName: workflow.name } },
      h('td', { 'data-label': 'Name' }, h('strong', {}, workflow.name),
        workflow.description ? h('div', { class: 'muted small-text' }, workflow.description) : null),
      h('td', { 'data-label': 'Steps' }, String(steps)),
      h('td', { 'data-label': 'Updated' }, dateTime(workflow.updated_at || workflow.created_at)),
      h('td', { class: 'actions' }, h('div', { class: 'row-actions' }, run, open, isAdmin ? deleteControl(workflow) : null)));
  }

  async function start(workflow, button) {
    const params = definitionOf(workflow).params;
    if (params && typeof params === 'object' && Object.keys(params).length) {
      // Its params are asked for on the executions page, the workflow chosen.
      navigate(`#/executions?run=${encodeURIComponent(workflow.id)}`);
      return;
    }
    button.disabled = true;
    try {
      const execution = await api.startExecution(workflow.id);
      navigate(`#/executions/${encodeURIComponent(execution.id || execution.execution_id)}`);
    } catch (e) {
      showError(`Could not start ${workflow.name}`, e);
    } finally {
      button.disabled = false;
    }
  }

  function deleteControl(workflow) {
    const slot = h('span', { class: 'confirm-slot' });
    const ask = h('button', { type: 'button', class: 'danger small', dataset: { testid: 'workflow-delete' } }, 'Delete');
    ask.addEventListener('click', () => {
      const confirm = h('button', { type: 'button', class: 'danger small', dataset: { testid: 'workflow-delete-confirm' } }, 'Really delete');
      const keep = h('button', { type: 'button', class: 'secondary small', onclick: () => replace(slot, ask) }, 'Keep');
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          await api.deleteWorkflow(workflow.id);
          showInfo(`Workflow ${workflow.name} deleted.`);
          load();
        } catch (e) {
          confirm.disabled = false;
          showError(`Could not delete ${workflow.name}`, e);
        }
      });
      replace(slot, confirm, keep);
      confirm.focus();
    });
    slot.append(ask);
    return slot;
  }

  const offs = [live.on('open', load), live.on('workflow', load)];
  load();
  return () => offs.forEach((off) => off());
}
