// One worker: status, heartbeat, metrics with trends, tasks; a command panel; delete for admins.
import { api } from '../api.js';
import { h, replace, badge } from '../dom.js';
import { ago, bytes, dateTime, duration, number, percent, share, time } from '../format.js';
import { sparkline } from '../components/sparkline.js';
import * as history from '../metrics-history.js';
import { showError, showInfo } from '../notices.js';
import { CommandPanel } from './command-panel.js';

export class WorkerCard {
  constructor(worker, { isAdmin, onDeleted }) {
    this.worker = worker;
    this.isAdmin = isAdmin;
    this.onDeleted = onDeleted;
    this.panel = null;
    this.status = h('span');
    this.heartbeat = h('span', { dataset: { testid: 'worker-heartbeat' } });
    this.details = h('div', { class: 'worker-details' });
    this.actions = h('div', { class: 'card-actions' });
    this.panelSlot = h('div');
    this.title = h('h2', { class: 'card-title' });
    this.el = h('article', { class: 'card worker-card', id: `worker-${worker.id}`, dataset: { testid: 'worker-card', workerId: worker.id } },
      h('header', { class: 'card-head' }, this.title, this.status),
      this.details, this.actions, this.panelSlot);
    this.renderActions();
    this.update(worker);
  }

  update(worker) {
    this.worker = { ...this.worker, ...worker, metadata: worker.metadata || this.worker.metadata };
    const w = this.worker;
    this.el.dataset.workerName = w.name || '';
    this.el.dataset.status = w.status || 'unknown';
    this.el.dataset.heartbeat = w.last_heartbeat || '';
    this.title.textContent = w.name || w.id;
    replace(this.status, badge(w.status, 'worker-status'));
    this.renderDetails();
  }

  /** Refreshes "x s ago" without touching the rest. */
  tick() {
    this.heartbeat.textContent = heartbeatText(this.worker.last_heartbeat);
    this.heartbeat.title = this.worker.last_heartbeat ? dateTime(this.worker.last_heartbeat) : '';
  }

  renderDetails() {
    const w = this.worker;
    const m = w.metadata || {};
    const memoryShare = share(m.memory_used, m.memory_total);
    const diskShare = share(m.disk_used, m.disk_total);
    this.tick();
    replace(this.details,
      h('div', { class: 'meters' },
        meter('CPU', 'worker-cpu', percent(m.cpu_percent), typeof m.cpu_count === 'number' ? `${m.cpu_count} cores` : '',
          sparkline(history.series(w.id, 'cpu'), { max: 100, label: 'CPU trend' })),
        meter('Memory', 'worker-memory', memoryShare === null ? '—' : percent(memoryShare),
          `${bytes(m.memory_used)} of ${bytes(m.memory_total)}`,
          sparkline(history.series(w.id, 'memory'), { max: 100, label: 'memory trend' })),
        meter('Load', 'worker-load', number(m.load_1), `5m ${number(m.load_5)} · 15m ${number(m.load_15)}`,
          sparkline(history.series(w.id, 'load'), { label: 'load trend' }))),
      h('dl', { class: 'facts' },
        fact('Last heartbeat', this.heartbeat),
        fact('Tasks', h('span', { dataset: { testid: 'worker-tasks' } }, `${count(m.tasks_running)} running · ${count(m.tasks_queued)} queued`)),
        fact('Groups', groups(w.groups)),
        fact('Disk', `${bytes(m.disk_used)} of ${bytes(m.disk_total)}${diskShare === null ? '' : ` (${percent(diskShare)})`}`),
        fact('Uptime', typeof m.uptime_seconds === 'number' ? duration(m.uptime_seconds * 1000) : '—'),
        w.version ? fact('Version', w.version) : null));
  }

  renderActions() {
    const run = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', dataset: { testid: 'worker-command-toggle' } }, 'Run command');
    run.addEventListener('click', () => {
      if (!this.panel) {
        this.panel = new CommandPanel(this.worker);
        this.panel.el.hidden = true;
        this.panelSlot.append(this.panel.el);
      }
      const open = this.panel.el.hidden;
      this.panel.el.hidden = !open;
      run.setAttribute('aria-expanded', String(open));
      if (open) this.panel.focus();
    });
    replace(this.actions, run, this.isAdmin ? this.deleteControl() : null);
  }

  deleteControl() {
    const slot = h('span', { class: 'confirm-slot' });
    const ask = h('button', { type: 'button', class: 'danger', dataset: { testid: 'worker-delete' } }, 'Delete');
    ask.addEventListener('click', () => {
      const confirm = h('button', { type: 'button', class: 'danger', dataset: { testid: 'worker-delete-confirm' } }, `Delete ${this.worker.name}`);
      const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => replace(slot, ask) }, 'Keep');
      confirm.addEventListener('click', () => this.remove(confirm));
      replace(slot, h('span', { class: 'confirm-text' }, 'Really delete?'), confirm, cancel);
      confirm.focus();
    });
    slot.append(ask);
    return slot;
  }

  async remove(button) {
    button.disabled = true;
    try {
      await api.deleteWorker(this.worker.id);
      showInfo(`Worker ${this.worker.name} deleted.`);
      this.onDeleted(this.worker.id);
    } catch (e) {
      button.disabled = false;
      showError(`Could not delete worker ${this.worker.name}`, e);
    }
  }

  output(event) {
    if (this.panel) this.panel.output(event);
  }

  commandFinished(event) {
    if (this.panel) this.panel.finished(event);
  }

  connectionOpened() {
    if (this.panel) this.panel.connectionOpened();
  }

  destroy() {
    if (this.panel) this.panel.destroy();
  }
}

function meter(label, testid, value, detail, trend) {
  return h('div', { class: 'meter' },
    h('div', { class: 'meter-label' }, label),
    h('div', { class: 'meter-value', dataset: { testid } }, value),
    h('div', { class: 'meter-detail' }, detail || '\u00a0'),
    trend);
}

function fact(term, ...value) {
  return h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, ...value));
}

function groups(list) {
  if (!Array.isArray(list) || list.length === 0) return h('span', { class: 'muted' }, 'none');
  return h('span', { class: 'chips' }, list.map((g) => h('span', { class: 'chip' }, g)));
}

function count(value) {
  return typeof value === 'number' ? String(value) : '—';
}

function heartbeatText(value) {
  return value ? `${ago(value)} (${time(value)})` : 'never';
}
