// Runs one command on one worker now and shows its output as it streams in, and its end when the
// registry announces it stored (command_finished). The stored result is read over REST only when
// that cannot be trusted to be whole: live output may have missed something, the connection
// (re)opened while the command ran, or the user asks.
import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { duration } from '../format.js';
import { OutputPane } from '../components/output-pane.js';

export class CommandPanel {
  constructor(worker) {
    this.worker = worker;
    this.commandId = null;
    this.done = true;
    // Events for this worker that arrive while the run request is on its way, before its reply
    // names the command: a quick command can end before the reply is read.
    this.early = null;
    const inputId = uid('command');
    const timeoutId = uid('timeout');
    this.input = h('input', { id: inputId, type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'uname -a', dataset: { testid: 'command-input' } });
    this.timeout = h('input', { id: timeoutId, type: 'number', min: '1', step: '1', inputmode: 'numeric', placeholder: '300', dataset: { testid: 'command-timeout' } });
    this.runButton = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'command-run' } }, 'Run');
    this.statusLine = h('p', { class: 'command-status', role: 'status', dataset: { testid: 'command-status' } });
    this.checkButton = h('button', { type: 'button', class: 'secondary small', hidden: true, onclick: () => this.check(), dataset: { testid: 'command-check' } }, 'Check result');
    this.pane = new OutputPane({ label: `command on ${worker.name}`, data: { worker: worker.name }, empty: 'Output appears here while the command runs.' });
    this.form = h('form', { class: 'command-form', onsubmit: (e) => { e.preventDefault(); this.run(); } },
      h('div', { class: 'field grow' }, h('label', { for: inputId }, `Command to run on ${worker.name}`), this.input),
      h('div', { class: 'field narrow' }, h('label', { for: timeoutId }, 'Timeout (s)'), this.timeout),
      this.runButton);
    this.el = h('div', { class: 'command-panel', dataset: { testid: 'command-panel' } },
      this.form, h('div', { class: 'command-result' }, this.statusLine, this.checkButton), this.pane.el);
  }

  focus() {
    this.input.focus();
  }

  async run() {
    const command = this.input.value.trim();
    if (!command) {
      this.say('Type a command first.', 'error');
      return;
    }
    const seconds = Number(this.timeout.value);
    this.runButton.disabled = true;
    this.pane.clear();
    this.pane.setStatus('');
    this.commandId = null;
    this.done = true;
    this.early = [];
    delete this.statusLine.dataset.source;
    try {
      const reply = await api.runCommand(this.worker.id, command, seconds > 0 ? Math.round(seconds * 1000) : undefined);
      this.commandId = reply.command_id;
      this.done = false;
      this.pane.el.dataset.command = this.commandId;
      this.say(`Running… (command ${this.commandId})`, 'running');
      this.pane.setStatus('running', 'running');
      this.checkButton.hidden = false;
      const early = this.early;
      this.early = null;
      for (const event of early || []) {
        if (event.type === 'command_finished') this.finished(event);
        else this.output(event);
      }
    } catch (e) {
      this.early = null;
      this.say(`Could not run the command: ${e.message}`, 'error');
    } finally {
      this.runButton.disabled = false;
    }
  }

  /** A live output event of this worker; only this panel's command is taken. */
  output(event) {
    if (this.hold(event) || !this.commandId || event.command_id !== this.commandId) return;
    this.pane.chunk(event);
  }

  /** The registry stored the end of a command of this worker (command_finished). */
  finished(event) {
    if (this.hold(event) || this.done || event.command_id !== this.commandId) return;
    // The event carries no output: if the live output may lack something, show the stored one.
    if (this.pane.incomplete()) this.check();
    else this.finish({ result: event }, 'event');
  }

  /** The connection (re)opened: the end may have been announced while it was down. */
  connectionOpened() {
    if (!this.done) this.check();
  }

  hold(event) {
    if (!this.early) return false;
    if (this.early.length < 10_000) this.early.push(event);
    return true;
  }

  async check() {
    if (!this.commandId || this.done) return;
    const id = this.commandId;
    try {
      const command = await api.command(id);
      if (id !== this.commandId || this.done || !command || !command.result || command.status === 'dispatched') return;
      this.finish(command, 'fetch');
    } catch (e) {
      this.say(`Could not read the command's result: ${e.message}`, 'error');
    }
  }

  /** Shows the end; source (event or fetch) is kept on the status line for tests. */
  finish(command, source) {
    const result = command.result || {};
    this.done = true;
    this.statusLine.dataset.source = source;
    this.checkButton.hidden = true;
    if (this.pane.incomplete()) this.pane.replaceWith(result.stdout || '', result.stderr || '');
    const took = typeof result.duration === 'number' ? ` in ${duration(result.duration)}` : '';
    const cut = result.truncated ? " (output was cut at the worker's limit)" : '';
    const kind = succeeded(result) ? 'completed' : 'failed';
    let text;
    let short;
    if (result.error) {
      text = `Failed: ${result.error}`;
      short = 'failed';
    } else if (result.timed_out) {
      text = `Timed out${took}`;
      short = 'timed out';
    } else {
      text = `Exit code ${result.exit_code}${took}`;
      short = `exit ${result.exit_code}`;
    }
    this.say(text + cut, kind);
    this.pane.setStatus(short, kind);
  }

  say(text, kind) {
    this.statusLine.textContent = text;
    this.statusLine.dataset.state = kind || '';
  }

  destroy() {
    this.early = null;
    this.pane.dispose();
  }
}

function succeeded(result) {
  return result.success !== false && result.exit_code === 0 && !result.error && !result.timed_out;
}
