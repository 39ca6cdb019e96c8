// The fleet: one card per worker, kept current by worker_update and worker_metrics events.
import { api, asList } from '../api.js';
import { h, replace } from '../dom.js';
import * as live from '../live.js';
import * as history from '../metrics-history.js';
import { showError } from '../notices.js';
import { WorkerCard } from './worker-card.js';

export function mountWorkers(root, { isAdmin }) {
  const cards = new Map();
  const list = h('div', { class: 'cards', dataset: { testid: 'worker-list' } });
  const summary = h('p', { class: 'muted', role: 'status', dataset: { testid: 'worker-summary' } }, 'Loading workers…');
  replace(root, h('div', { class: 'view-head' }, h('h1', {}, 'Workers'), summary), list);

  function removeCard(id) {
    const card = cards.get(id);
    if (!card) return;
    card.destroy();
    card.el.remove();
    cards.delete(id);
    history.forget(id);
    summarize();
  }

  function summarize() {
    const workers = [...cards.values()].map((c) => c.worker);
    const online = workers.filter((w) => w.status === 'online' || w.status === 'busy').length;
    summary.textContent = workers.length === 0
      ? 'No workers yet. Start a worker agent and it appears here.'
      : `${workers.length} worker${workers.length === 1 ? '' : 's'}, ${online} online or busy.`;
  }

  function sync(workers) {
    const seen = new Set();
    workers.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    for (const worker of workers) {
      seen.add(worker.id);
      history.record(worker);
      let card = cards.get(worker.id);
      if (card) {
        card.update(worker);
      } else {
        card = new WorkerCard(worker, { isAdmin, onDeleted: removeCard });
        cards.set(worker.id, card);
      }
      list.append(card.el);
    }
    for (const id of [...cards.keys()]) if (!seen.has(id)) removeCard(id);
    summarize();
  }

  async function load() {
    try {
      sync(asList(await api.workers(), 'workers'));
    } catch (e) {
      summary.textContent = 'The workers could not be loaded.';
      showError('Could not load the workers', e);
    }
  }

  const offs = [
    live.on('open', () => {
      load();
      // Events sent while the connection was down are gone; running commands read their result.
      cards.forEach((card) => card.connectionOpened());
    }),
    live.on('worker_metrics', (event) => {
      const card = cards.get(event.worker_id);
      if (!card) {
        load();
        return;
      }
      // metrics-history recorded the sample already; the card only redraws.
      card.update({ id: event.worker_id, name: event.name, status: event.status, last_heartbeat: event.last_heartbeat, metadata: event.metadata });
      summarize();
    }),
    live.on('worker_update', (event) => {
      if (event.status === 'deleted') {
        removeCard(event.worker_id);
        return;
      }
      const card = cards.get(event.worker_id);
      if (!card) {
        load();
        return;
      }
      card.update({ status: event.status, name: event.name || card.worker.name });
      summarize();
    }),
    live.on('output', (event) => {
      if (!event.execution_id) cards.get(event.worker_id)?.output(event);
    }),
    live.on('command', (event) => cards.get(event.worker_id)?.commandFinished(event)),
  ];
  const ticker = setInterval(() => cards.forEach((card) => card.tick()), 5000);
  load();

  return () => {
    offs.forEach((off) => off());
    clearInterval(ticker);
    cards.forEach((card) => card.destroy());
  };
}
