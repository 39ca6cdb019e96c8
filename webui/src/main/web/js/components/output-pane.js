// Live output of one command. Chunks are appended as text nodes in animation frames, and only the
// newest MAX_CHARS characters stay in the DOM, so a chatty command never slows the page down.
import { h } from '../dom.js';

const MAX_CHARS = 200_000;
const MAX_NODES = 4_000;

// One animation frame writes the chunks of every pane on the page, then scrolls the panes on
// screen that follow their output. Reading a pane's scroll position after another pane's write
// forces a layout of the whole page per pane: with 200 hosts streaming that took most of the main
// thread. Panes off screen are not laid out at all (content-visibility in styles.css) and are
// scrolled when they come into view.
const dirty = new Set();
const toScroll = new Set();
let frame = 0;

function schedule(pane) {
  if (pane) dirty.add(pane);
  if (!frame) frame = requestAnimationFrame(flushAll);
}

function flushAll() {
  frame = 0;
  for (const pane of dirty) if (pane.write() && pane.follow && pane.onScreen) toScroll.add(pane);
  dirty.clear();
  for (const pane of toScroll) pane.pre.scrollTop = pane.pre.scrollHeight;
  toScroll.clear();
}

const byElement = new WeakMap();
const watcher = typeof IntersectionObserver === 'function' ? new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const pane = byElement.get(entry.target);
    if (!pane) continue;
    pane.onScreen = entry.isIntersecting;
    if (pane.onScreen && pane.follow) {
      toScroll.add(pane);
      schedule();
    }
  }
}) : null;

export class OutputPane {
  /** label: heading text; data: data-* attributes for tests (worker, step, command). */
  constructor({ label, data = {}, empty = 'No output yet.' }) {
    this.pre = h('pre', { class: 'output', tabindex: '0', role: 'log', 'aria-label': `Output of ${label}`, dataset: { testid: 'output-text' } });
    this.emptyText = h('span', { class: 'output-empty' }, empty);
    this.pre.append(this.emptyText);
    this.status = h('span', { class: 'output-status', dataset: { testid: 'output-status' } });
    this.label = h('span', { class: 'output-label' }, label);
    this.el = h('section', { class: 'output-pane', dataset: { testid: 'output-pane', ...data } },
      h('header', { class: 'output-head' }, this.label, this.status),
      this.pre);
    this.nodes = [];
    this.chars = 0;
    this.pending = [];
    // Whether the view sticks to the newest output: true until the reader scrolls up.
    this.follow = true;
    this.pre.addEventListener('scroll', () => {
      this.follow = this.pre.scrollTop + this.pre.clientHeight >= this.pre.scrollHeight - 24;
    }, { passive: true });
    this.onScreen = !watcher;
    if (watcher) {
      byElement.set(this.el, this);
      watcher.observe(this.el);
    }
    this.nextSeq = 0;
    this.seen = new Set();
    this.gap = false;
    this.live = false;
    this.trimmed = null;
  }

  /** Renames the pane (a worker's name learnt after its first chunk arrived under its id). */
  rename(label) {
    this.label.textContent = label;
    this.pre.setAttribute('aria-label', `Output of ${label}`);
  }

  /** A live chunk {seq, stream, data}; duplicates are dropped, gaps are remembered. */
  chunk(chunk) {
    const seq = typeof chunk.seq === 'number' ? chunk.seq : null;
    if (seq !== null) {
      if (this.seen.has(seq)) return;
      this.seen.add(seq);
      if (seq !== this.nextSeq) this.gap = true;
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
    }
    this.live = true;
    this.append(chunk.stream, chunk.data);
  }

  /** Whether the live chunks may have missed something (never saw any, or saw a gap). */
  incomplete() {
    return !this.live || this.gap;
  }

  append(stream, text) {
    if (!text) return;
    this.pending.push([stream === 'stderr' ? 'stderr' : 'stdout', String(text)]);
    schedule(this);
  }

  /** Shows the stored final output instead of whatever arrived live. */
  replaceWith(stdout, stderr) {
    this.clear();
    if (stdout) this.append('stdout', stdout);
    if (stderr) this.append('stderr', stderr);
    this.gap = false;
    this.live = true;
  }

  clear() {
    dirty.delete(this);
    toScroll.delete(this);
    this.pending = [];
    this.nodes = [];
    this.chars = 0;
    this.trimmed = null;
    this.pre.replaceChildren(this.emptyText);
  }

  /** Stops watching the pane; call when it leaves the page for good. */
  dispose() {
    dirty.delete(this);
    toScroll.delete(this);
    if (watcher) watcher.unobserve(this.el);
  }

  setStatus(text, kind) {
    this.status.textContent = text || '';
    this.status.className = `output-status ${kind ? `output-status-${kind}` : ''}`;
  }

  /** Puts the pending chunks into the DOM (no layout read); yields whether there were any. */
  write() {
    if (this.pending.length === 0) return false;
    const pre = this.pre;
    if (this.emptyText.parentNode) this.emptyText.remove();
    const fragment = document.createDocumentFragment();
    for (const [stream, text] of this.pending) {
      const node = stream === 'stderr' ? h('span', { class: 'stderr' }, text) : document.createTextNode(text);
      fragment.append(node);
      this.nodes.push([node, text.length]);
      this.chars += text.length;
    }
    this.pending = [];
    pre.append(fragment);
    this.trim();
    return true;
  }

  trim() {
    let dropped = 0;
    while (this.nodes.length > 1 && (this.chars > MAX_CHARS || this.nodes.length > MAX_NODES)) {
      const [node, length] = this.nodes.shift();
      node.remove();
      this.chars -= length;
      dropped += length;
    }
    if (dropped > 0) {
      if (!this.trimmed) {
        this.trimmed = h('span', { class: 'output-trimmed', dataset: { testid: 'output-trimmed' } });
        this.pre.prepend(this.trimmed);
      }
      this.trimmed.dataset.dropped = String(Number(this.trimmed.dataset.dropped || 0) + dropped);
      this.trimmed.textContent = `… ${this.trimmed.dataset.dropped} earlier characters not shown …\n`;
    }
  }
}
