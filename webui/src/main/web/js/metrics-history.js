// Recent metric samples per worker, fed by every worker_metrics event for as long as the page is
// open (whatever view is showing), so the trends are there when the Workers view opens.
import * as live from './live.js';

const KEEP = 40;
const history = new Map();

function sample(metadata) {
  const m = metadata || {};
  const memory = typeof m.memory_used === 'number' && m.memory_total > 0 ? (m.memory_used / m.memory_total) * 100 : null;
  return { cpu: numberOrNull(m.cpu_percent), memory, load: numberOrNull(m.load_1) };
}

function numberOrNull(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Records a worker's metrics once per heartbeat (the same heartbeat twice counts once). */
export function record(worker) {
  const id = worker.worker_id || worker.id;
  if (!id || !worker.metadata) return;
  const entry = history.get(id) || { beat: null, samples: [] };
  const beat = worker.last_heartbeat || null;
  if (beat !== null && beat === entry.beat) return;
  entry.beat = beat;
  entry.samples.push(sample(worker.metadata));
  if (entry.samples.length > KEEP) entry.samples.shift();
  history.set(id, entry);
}

/** The samples of one metric ('cpu', 'memory', 'load'), oldest first. */
export function series(workerId, metric) {
  const entry = history.get(workerId);
  return entry ? entry.samples.map((s) => s[metric]).filter((v) => v !== null) : [];
}

export function forget(workerId) {
  history.delete(workerId);
}

export function startRecording() {
  live.on('worker_metrics', record);
}
