// Boots the dashboard: who is signed in, the live connection, and a hash router over the views.
import { api } from './api.js';
import { h, replace } from './dom.js';
import * as live from './live.js';
import { startRecording } from './metrics-history.js';
import { mountNotices, showError } from './notices.js';
import { mountWorkers } from './views/workers.js';
import { mountWorkflows } from './views/workflows.js';
import { mountWorkflowEditor } from './views/workflow-editor.js';
import { mountExecutions } from './views/executions.js';
import { mountExecution } from './views/execution.js';

const main = document.getElementById('main');
let unmount = null;
let user = null;

function parseRoute() {
  const raw = location.hash.replace(/^#/, '') || '/workers';
  const [path, search] = raw.split('?');
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { segments, query: new URLSearchParams(search || '') };
}

export function navigate(hash, { replace: replacing = false } = {}) {
  if (replacing) {
    history.replaceState(null, '', hash);
    route();
  } else if (location.hash === hash) {
    route();
  } else {
    location.hash = hash;
  }
}

function view({ segments, query }) {
  const ctx = { isAdmin: user.role === 'admin', navigate, query };
  const [section, id] = segments;
  if (section === 'workflows' && id === 'new') return ['workflows', 'New workflow', (root) => mountWorkflowEditor(root, { ...ctx, id: null })];
  if (section === 'workflows' && id) return ['workflows', 'Workflow', (root) => mountWorkflowEditor(root, { ...ctx, id })];
  if (section === 'workflows') return ['workflows', 'Workflows', (root) => mountWorkflows(root, ctx)];
  if (section === 'executions' && id) return ['executions', 'Execution', (root) => mountExecution(root, { ...ctx, id })];
  if (section === 'executions') return ['executions', 'Executions', (root) => mountExecutions(root, ctx)];
  return ['workers', 'Workers', (root) => mountWorkers(root, ctx)];
}

function route() {
  if (!user) return;
  if (unmount) unmount();
  const [section, title, mount] = view(parseRoute());
  document.title = `${title} · PULSE`;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const root = h('div', { class: 'view', dataset: { testid: `view-${section}` } });
  replace(main, root);
  unmount = mount(root) || null;
  const heading = root.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function showConnection(state) {
  const el = document.getElementById('connection');
  el.dataset.state = state;
  el.textContent = state === 'open' ? 'Live' : state === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
  el.title = state === 'open' ? 'Live updates are on' : 'Live updates are paused; the page catches up when the connection is back';
}

function showUser(current) {
  replace(document.getElementById('user'),
    h('span', { class: 'user-name', dataset: { testid: 'current-user' } }, current.display_name || current.username),
    h('span', { class: `role role-${current.role}`, dataset: { testid: 'current-role' } }, current.role));
  document.body.dataset.role = current.role;
}

async function showVersion() {
  let version;
  try {
    ({ version } = await api.health());
  } catch (e) {
    // The header keeps plain "PULSE": the connection badge already tells when the server is away.
    return;
  }
  if (!version) return;
  const title = document.getElementById('app-title');
  replace(title, 'PULSE ', h('span', { class: 'version', dataset: { testid: 'app-version' } }, version));
  title.title = `PULSE version ${version}`;
}

async function boot() {
  mountNotices(document.getElementById('notices'));
  live.on('state', showConnection);
  showConnection(live.connectionState());
  startRecording();
  showVersion();
  try {
    user = await api.user();
  } catch (e) {
    replace(main, h('div', { class: 'view' }, h('h1', {}, 'PULSE'),
      h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'boot-error' } }, `You cannot use PULSE right now: ${e.message}`),
      h('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, 'Try again')));
    showError('Could not read who you are', e);
    return;
  }
  showUser(user);
  window.addEventListener('hashchange', route);
  live.connect();
  route();
}

boot();
