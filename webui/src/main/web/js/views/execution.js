// One execution, live: summary, prompt, step timeline, host × step grid and every host's output.
// Execution events trigger a re-read of the execution; output events stream straight into panes,
// which survive re-renders so nothing already shown is lost.
import { api, asList } from '../api.js';
import { h, replace, debounce } from '../dom.js';
import * as live from '../live.js';
import { showError } from '../notices.js';
import { OutputPane } from '../components/output-pane.js';
import { readExecution } from './execution-model.js';
import * as parts from './execution-parts.js';

const byName = new Intl.Collator();

export function mountExecution(root, { id }) {
  const title = h('h1', { dataset: { testid: 'execution-title' } }, 'Execution');
  const summarySlot = h('div');
  const promptSlot = h('div', { 'aria-live': 'polite' });
  const timelineSlot = h('div');
  const gridSlot = h('div');
  const outputSlot = h('div', { class: 'step-outputs', dataset: { testid: 'outputs' } });
  const outputHint = h('p', { class: 'muted small-text' }, 'Output streams in as the workers produce it. Standard error is shown in red.');
  const logSlot = h('div');
  replace(root,
    h('div', { class: 'view-head' }, title, h('a', { href: '#/executions' }, '← All executions')),
    summarySlot, promptSlot,
    h('div', { class: 'execution-layout' },
      h('section', { class: 'card', 'aria-labelledby': 'steps-heading' }, h('h2', { id: 'steps-heading' }, 'Steps'), timelineSlot),
      h('section', { class: 'card', 'aria-labelledby': 'hosts-heading' },
        h('h2', { id: 'hosts-heading' }, 'Hosts'), gridSlot,
        h('h2', { class: 'output-heading' }, 'Output'), outputHint, outputSlot)),
    logSlot);

  let execution = null;
  let promptKey = null;
  let promptParts = null;
  let cancelArmed = false;
  let logOpen = false;
  const sections = new Map();
  const panes = new Map();
  const workerNames = new Map();

  async function load() {
    try {
      execution = readExecution(await api.execution(id));
      render();
    } catch (e) {
      if (!execution) replace(summarySlot, h('p', { class: 'form-error', role: 'alert' }, `Could not load this execution: ${e.message}`));
      showError('Could not load the execution', e);
    }
  }

  function render() {
    title.textContent = execution.workflowName;
    document.title = `${execution.workflowName} · PULSE`;
    replace(summarySlot, parts.summary(execution, { onCancel: cancel, onResume: resume }));
    renderPrompt();
    replace(timelineSlot, parts.timeline(execution));
    replace(gridSlot, parts.grid(execution, { onSelect: select }) || h('p', { class: 'muted' }, 'This workflow has no execute steps.'));
    syncOutputs();
    replace(logSlot, parts.log(execution, { open: logOpen, onToggle: (open) => { logOpen = open; } }));
  }

  function renderPrompt() {
    const prompt = execution.status === 'waiting_for_input' ? execution.prompt : null;
    const key = prompt ? JSON.stringify(prompt) : null;
    if (key === promptKey) return;
    promptKey = key;
    promptParts = prompt ? parts.promptCard(prompt, { onAnswer: answer }) : null;
    replace(promptSlot, promptParts ? promptParts.el : null);
  }

  async function answer(option, button) {
    const buttons = promptParts ? promptParts.el.querySelectorAll('button') : [];
    buttons.forEach((b) => { b.disabled = true; });
    button.setAttribute('aria-busy', 'true');
    try {
      await api.respond(id, option);
      await load();
    } catch (e) {
      buttons.forEach((b) => { b.disabled = false; });
      if (promptParts) promptParts.error.textContent = `Your answer was not taken: ${e.message}`;
    } finally {
      button.removeAttribute('aria-busy');
    }
  }

  async function cancel(event) {
    const button = event.currentTarget;
    if (!cancelArmed) {
      cancelArmed = true;
      button.textContent = 'Really cancel?';
      button.dataset.testid = 'execution-cancel-confirm';
      setTimeout(() => { cancelArmed = false; }, 5000);
      return;
    }
    cancelArmed = false;
    button.disabled = true;
    try {
      await api.cancel(id);
      await load();
    } catch (e) {
      button.disabled = false;
      showError('Could not cancel the execution', e);
    }
  }

  async function resume(event) {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      await api.resume(id);
      await load();
    } catch (e) {
      button.disabled = false;
      showError('Could not resume the execution', e);
    }
  }

  function section(stepIndex) {
    let entry = sections.get(stepIndex);
    if (entry) return entry;
    const step = execution && execution.steps[stepIndex];
    const label = h('summary', {}, `${stepIndex + 1}. ${step ? step.name : 'Step'}`);
    const body = h('div', { class: 'panes' });
    entry = { el: h('details', { class: 'step-output', dataset: { testid: 'step-output', step: String(stepIndex) } }, label, body), body, label };
    sections.set(stepIndex, entry);
    const after = [...sections.keys()].filter((i) => i > stepIndex).sort((a, b) => a - b)[0];
    outputSlot.insertBefore(entry.el, after === undefined ? null : sections.get(after).el);
    return entry;
  }

  function pane(stepIndex, workerId, workerName) {
    const key = `${stepIndex}|${workerId}`;
    const name = workerName || workerNames.get(workerId) || workerId;
    let existing = panes.get(key);
    if (existing) {
      if (existing.el.dataset.worker !== name) {
        existing.el.dataset.worker = name;
        existing.rename(name);
        place(sections.get(stepIndex).body, existing.el);
      }
      return existing;
    }
    existing = new OutputPane({ label: name, data: { worker: name, workerId, step: String(stepIndex) } });
    panes.set(key, existing);
    place(section(stepIndex).body, existing.el);
    return existing;
  }

  /** Keeps a step's panes in worker-name order, like the grid's rows (binary search: 200 hosts arrive at once). */
  function place(body, el) {
    const others = [...body.children].filter((other) => other !== el);
    const name = String(el.dataset.worker);
    let low = 0;
    let high = others.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (byName.compare(String(others[middle].dataset.worker), name) > 0) high = middle;
      else low = middle + 1;
    }
    body.insertBefore(el, others[low] || null);
  }

  function syncOutputs() {
    let latest = null;
    for (const step of execution.steps) {
      if (step.type !== 'execute' || step.hosts.length === 0) continue;
      latest = step.index;
      const entry = section(step.index);
      entry.label.textContent = `${step.index + 1}. ${step.name}`;
      for (const target of step.hosts) {
        workerNames.set(target.workerId, target.workerName);
        const p = pane(step.index, target.workerId, target.workerName);
        if (target.status === 'running') {
          p.setStatus('running', 'running');
          continue;
        }
        if (p.incomplete()) p.replaceWith(target.stdout, target.stderr);
        const exit = typeof target.exitCode === 'number' && target.exitCode >= 0 ? `exit ${target.exitCode}` : '';
        p.setStatus(target.timedOut ? 'timed out' : (target.error && !exit ? target.error : exit || target.status),
          target.status === 'completed' ? 'completed' : 'failed');
      }
      if (step.status === 'running') entry.el.open = true;
    }
    if (latest !== null && ![...sections.values()].some((s) => s.el.open)) sections.get(latest).el.open = true;
  }

  function select(stepIndex, workerId) {
    const entry = sections.get(stepIndex);
    const target = panes.get(`${stepIndex}|${workerId}`);
    if (!entry || !target) return;
    entry.el.open = true;
    target.el.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    target.pre.focus({ preventScroll: true });
  }

  function output(event) {
    if (event.execution_id !== id) return;
    const stepIndex = typeof event.step_index === 'number' ? event.step_index : -1;
    const known = panes.has(`${stepIndex}|${event.worker_id}`);
    const target = pane(stepIndex, event.worker_id);
    if (!known) sections.get(stepIndex).el.open = true;
    target.chunk(event);
  }

  async function learnWorkerNames() {
    try {
      for (const w of asList(await api.workers(), 'workers')) if (!workerNames.has(w.id)) workerNames.set(w.id, w.name);
      for (const key of panes.keys()) {
        const [stepIndex, workerId] = key.split('|');
        pane(Number(stepIndex), workerId);
      }
    } catch (e) {
      // Names are a nicety here; panes fall back to the worker id.
    }
  }

  const reload = debounce(load, 120);
  const offs = [
    live.on('open', ({ reconnected }) => {
      // Chunks sent while the connection was down are gone; finished commands get their stored output.
      if (reconnected) panes.forEach((p) => { p.gap = true; });
      load();
    }),
    live.on('execution', (event) => { if (event.execution_id === id) reload(); }),
    live.on('output', output),
  ];
  learnWorkerNames();
  load();
  return () => {
    offs.forEach((off) => off());
    reload.cancel();
    panes.forEach((p) => p.dispose());
  };
}
