// Create or edit a workflow as JSON. The server validates; its problems are shown beside the
// step they name ("steps[2].condition" → step 3), the rest above the outline.
import { api } from '../api.js';
import { h, replace, uid, debounce } from '../dom.js';
import { showError, showInfo } from '../notices.js';
import { TEMPLATES, template } from './templates.js';
import { scheduleSection } from './workflow-schedule.js';

/** A workflow's definition as an object, whether the server sent it parsed or as text. */
export function definitionOf(workflow) {
  const definition = workflow && workflow.definition;
  if (typeof definition === 'string') {
    try {
      return JSON.parse(definition) || {};
    } catch (e) {
      return {};
    }
  }
  return definition && typeof definition === 'object' ? definition : {};
}

const STEP_PATH = /^(?:definition\.)?steps\[(\d+)\](?:\.(.+))?$/;

export function mountWorkflowEditor(root, { id, isAdmin, navigate }) {
  const creating = !id;
  const readOnly = !isAdmin;
  const ids = { name: uid('wf-name'), description: uid('wf-desc'), definition: uid('wf-def'), template: uid('wf-tpl') };
  const name = h('input', { id: ids.name, type: 'text', required: true, maxlength: '255', readonly: readOnly, dataset: { testid: 'workflow-name' } });
  const description = h('textarea', { id: ids.description, rows: '2', readonly: readOnly, dataset: { testid: 'workflow-description' } });
  const definition = h('textarea', { id: ids.definition, class: 'code', rows: '22', spellcheck: 'false', readonly: readOnly,
    'aria-describedby': `${ids.definition}-help`, dataset: { testid: 'workflow-definition' } });
  const formError = h('div', { class: 'form-error', role: 'alert', dataset: { testid: 'workflow-error' } });
  const general = h('ul', { class: 'problems', dataset: { testid: 'general-problems' } });
  const outline = h('ol', { class: 'outline', start: '1', dataset: { testid: 'step-outline' } });
  const save = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'workflow-save' } }, creating ? 'Create workflow' : 'Save changes');
  let problems = [];

  const templatePicker = readOnly ? null : templateControl();
  const form = h('form', { class: 'editor', novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('div', { class: 'editor-fields' },
      templatePicker,
      h('div', { class: 'field' }, h('label', { for: ids.name }, 'Name'), name),
      h('div', { class: 'field' }, h('label', { for: ids.description }, 'Description'), description),
      h('div', { class: 'field' },
        h('label', { for: ids.definition }, 'Definition (JSON)'),
        h('p', { class: 'muted small-text', id: `${ids.definition}-help` },
          'An object with "steps": each step has a name and a type (execute, prompt, wait, parallel or workflow) and the fields that type needs.'),
        definition),
      formError,
      readOnly ? h('p', { class: 'muted' }, 'Only administrators can change workflows.') : h('div', { class: 'form-actions' },
        save, h('a', { class: 'button secondary', href: '#/workflows' }, 'Cancel'),
        h('button', { type: 'button', class: 'secondary', onclick: formatJson }, 'Format JSON'))),
    h('aside', { class: 'editor-outline', 'aria-label': 'Steps and problems' },
      h('h2', {}, 'Steps'), general, outline));

  replace(root, h('div', { class: 'view-head' },
    h('h1', {}, creating ? 'New workflow' : (readOnly ? 'Workflow' : 'Edit workflow')),
    h('a', { href: '#/workflows' }, '← All workflows')), form, creating ? null : scheduleSection(id, isAdmin));

  function templateControl() {
    const select = h('select', { id: ids.template, dataset: { testid: 'template-select' } },
      h('option', { value: '' }, 'Choose a template…'),
      TEMPLATES.map((t) => h('option', { value: t.id }, t.name)));
    const load = h('button', { type: 'button', class: 'secondary', dataset: { testid: 'template-load' } }, 'Use template');
    load.addEventListener('click', () => {
      const chosen = template(select.value);
      if (!chosen) return;
      name.value = chosen.name;
      description.value = chosen.description;
      definition.value = JSON.stringify(chosen.definition, null, 2);
      problems = [];
      refresh();
    });
    return h('div', { class: 'field template-row' }, h('label', { for: ids.template }, 'Start from a template'),
      h('div', { class: 'inline' }, select, load));
  }

  function parsed() {
    try {
      return { value: JSON.parse(definition.value) };
    } catch (e) {
      return { error: e.message };
    }
  }

  function refresh() {
    const { value, error } = parsed();
    const steps = value && Array.isArray(value.steps) ? value.steps : [];
    const byStep = new Map();
    const rest = [];
    for (const problem of problems) {
      const match = STEP_PATH.exec(String(problem.path || ''));
      if (match) {
        const index = Number(match[1]);
        if (!byStep.has(index)) byStep.set(index, []);
        byStep.get(index).push({ field: match[2] || null, message: problem.message });
      } else {
        rest.push(problem);
      }
    }
    const generalItems = rest.map((p) => h('li', { class: 'problem' }, p.path ? `${p.path}: ${p.message}` : p.message));
    if (error && definition.value.trim()) generalItems.unshift(h('li', { class: 'problem' }, `The definition is not valid JSON: ${error}`));
    replace(general, generalItems);
    const count = Math.max(steps.length, ...[...byStep.keys()].map((i) => i + 1), 0);
    const items = [];
    for (let i = 0; i < count; i += 1) {
      const step = steps[i] && typeof steps[i] === 'object' ? steps[i] : {};
      const stepProblems = byStep.get(i) || [];
      items.push(h('li', { class: `outline-step${stepProblems.length ? ' has-problems' : ''}`, dataset: { testid: 'outline-step', step: String(i) } },
        h('span', { class: 'outline-name' }, step.name || `Step ${i + 1}`),
        step.type ? h('span', { class: 'chip' }, step.type) : null,
        stepProblems.length ? h('ul', { class: 'problems', dataset: { testid: 'step-problems', step: String(i) } },
          stepProblems.map((p) => h('li', { class: 'problem' }, p.field ? `${p.field}: ${p.message}` : p.message))) : null));
    }
    if (items.length === 0) items.push(h('li', { class: 'muted' }, 'No steps yet.'));
    replace(outline, items);
  }

  function formatJson() {
    const { value } = parsed();
    if (value !== undefined) definition.value = JSON.stringify(value, null, 2);
  }

  async function submit() {
    formError.textContent = '';
    const { value, error } = parsed();
    if (!name.value.trim()) {
      formError.textContent = 'Give the workflow a name.';
      name.focus();
      return;
    }
    if (error || !value || typeof value !== 'object' || Array.isArray(value)) {
      formError.textContent = error ? `The definition is not valid JSON: ${error}` : 'The definition must be a JSON object with "steps".';
      definition.focus();
      return;
    }
    const body = { name: name.value.trim(), description: description.value, definition: value };
    save.disabled = true;
    try {
      const saved = creating ? await api.createWorkflow(body) : await api.updateWorkflow(id, body);
      problems = [];
      showInfo(`Workflow ${saved && saved.name ? saved.name : body.name} saved.`);
      navigate('#/workflows');
    } catch (e) {
      problems = e.problems || [];
      formError.textContent = problems.length
        ? `${e.message} — see the problems beside the steps.`
        : e.message;
      refresh();
    } finally {
      save.disabled = false;
    }
  }

  const onInput = debounce(refresh, 250);
  definition.addEventListener('input', onInput);

  if (creating) {
    definition.value = JSON.stringify({ steps: [] }, null, 2);
    refresh();
  } else {
    api.workflow(id).then((workflow) => {
      name.value = workflow.name || '';
      description.value = workflow.description || '';
      definition.value = JSON.stringify(definitionOf(workflow), null, 2);
      refresh();
    }).catch((e) => {
      formError.textContent = `Could not load the workflow: ${e.message}`;
      showError('Could not load the workflow', e);
    });
  }
  return () => onInput.cancel();
}
