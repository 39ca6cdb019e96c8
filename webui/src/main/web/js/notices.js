// Errors and confirmations in words, in one live region at the top of the page.
import { h } from './dom.js';

let region = null;

export function mountNotices(el) {
  region = el;
}

function show(kind, text, timeoutMs) {
  if (!region) return;
  const item = h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', dataset: { testid: `notice-${kind}` } },
    h('span', { class: 'notice-text' }, text),
    h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss', onclick: () => item.remove() }, '×'));
  region.append(item);
  while (region.children.length > 4) region.firstElementChild.remove();
  if (timeoutMs) setTimeout(() => item.remove(), timeoutMs);
}

/** Shows an API error (or any Error) as a sentence; `what` says what was being done. */
export function showError(what, error) {
  const reason = error && error.message ? error.message : String(error);
  show('error', what ? `${what}: ${reason}` : reason, 0);
}

export function showInfo(text) {
  show('info', text, 5000);
}
