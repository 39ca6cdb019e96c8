// Turning wire values into words a person reads.

/** Epoch ms, epoch s or ISO text → Date, or null. */
export function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return new Date(value < 1e11 ? value * 1000 : value);
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function dateTime(value) {
  const date = toDate(value);
  return date ? date.toLocaleString() : '—';
}

export function time(value) {
  const date = toDate(value);
  return date ? date.toLocaleTimeString() : '—';
}

/** "5 s ago", "3 min ago", "2 h ago". */
export function ago(value, now = Date.now()) {
  const date = toDate(value);
  if (!date) return 'never';
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** 1234 ms → "1.2 s"; 75000 → "1 min 15 s". */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  if (minutes < 60) return `${minutes} min ${rest} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function bytes(value) {
  if (typeof value !== 'number' || value < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size.toFixed(size < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}

export function percent(value) {
  return typeof value === 'number' ? `${value.toFixed(value < 10 ? 1 : 0)} %` : '—';
}

export function number(value, digits = 2) {
  return typeof value === 'number' ? value.toFixed(digits) : '—';
}

/** The share used/total as a percentage, or null. */
export function share(used, total) {
  return typeof used === 'number' && typeof total === 'number' && total > 0 ? (used / total) * 100 : null;
}

/** "waiting_for_input" → "waiting for input". */
export function words(status) {
  return String(status || '').replaceAll('_', ' ');
}
