// The inputs for a workflow's declared params ({name: {type, required, default, description}}),
// shown before a run starts. The server checks the values again and names any it refuses.
import { h, uid } from '../dom.js';

/**
 * Fields for {@code declared}; {@code values()} yields the params to send, or throws an Error
 * naming the first field to fix (and focuses it).
 */
export function paramsForm(declared) {
  const entries = Object.entries(declared && typeof declared === 'object' ? declared : {});
  const fields = entries.map(([name, spec]) => field(name, spec && typeof spec === 'object' ? spec : {}));
  const el = fields.length
    ? h('fieldset', { class: 'params-form', dataset: { testid: 'params-form' } },
      h('legend', {}, 'Parameters'), fields.map((f) => f.el))
    : null;
  return {
    el,
    values() {
      const params = {};
      for (const f of fields) {
        const value = f.read();
        if (value !== undefined) params[f.name] = value;
      }
      return params;
    },
  };
}

function field(name, spec) {
  const type = ['number', 'boolean'].includes(spec.type) ? spec.type : 'string';
  const id = uid(`param-${name}`);
  const required = spec.required === true;
  const hint = [type, required ? 'required' : null, spec.description || null].filter(Boolean).join(' · ');
  if (type === 'boolean') {
    const input = h('input', { id, type: 'checkbox', dataset: { testid: 'param-input', param: name } });
    input.checked = spec.default === true;
    return {
      name,
      el: h('div', { class: 'field field-check' }, input, h('label', { for: id }, name), h('span', { class: 'muted small-text' }, ` ${hint}`)),
      read: () => input.checked,
    };
  }
  const input = h('input', {
    id, type: type === 'number' ? 'number' : 'text', step: type === 'number' ? 'any' : null,
    'aria-required': required ? 'true' : null, dataset: { testid: 'param-input', param: name },
  });
  if (spec.default !== undefined && spec.default !== null) input.value = String(spec.default);
  return {
    name,
    el: h('div', { class: 'field' }, h('label', { for: id }, `${name}${required ? ' *' : ''}`), input,
      h('span', { class: 'muted small-text' }, hint)),
    read: () => {
      const text = input.value.trim();
      if (text === '') {
        if (required) {
          input.focus();
          throw new Error(`${name} is required`);
        }
        return undefined;
      }
      if (type === 'number') {
        const number = Number(text);
        if (!Number.isFinite(number)) {
          input.focus();
          throw new Error(`${name} must be a number`);
        }
        return number;
      }
      return input.value;
    },
  };
}
