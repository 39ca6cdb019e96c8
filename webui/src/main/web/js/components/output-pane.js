// Live output of one command. Chunks are appended as text nodes in animation frames, and only the
// newest MAX_CHARS characters stay in the DOM, so a chatty command never slows the page down.
import { h } from '../dom.js';

const MAX_CHARS = 200_000;
const MAX_NODES = 4_000;

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
    this.frame = 0;
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
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Shows the stored final output instead of whatever arrived live. */
  replaceWith(stdout, stderr) {
    this.clear();
    if (stdout) this.append('stdout', stdout);
    if (stderr) this.append('stderr', stderr);
    this.gap = false;
    this.live = true;
    this.flush();
  }

  clear() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = [];
    this.nodes = [];
    this.chars = 0;
    this.trimmed = null;
    this.pre.replaceChildren(this.emptyText);
  }

  setStatus(text, kind) {
    this.status.textContent = text || '';
    this.status.className = `output-status ${kind ? `output-status-${kind}` : ''}`;
  }

  flush() {
    this.frame = 0;
    if (this.pending.length === 0) return;
    const pre = this.pre;
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 24;
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
    if (atBottom) pre.scrollTop = pre.scrollHeight;
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
