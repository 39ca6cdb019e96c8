// A workflow's cron schedule beside its editor: everyone sees it and its next run; admins set or clear it.
import { api } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { dateTime } from '../format.js';
import { showInfo } from '../notices.js';

export function scheduleSection(workflowId, isAdmin) {
  const ids = { cron: uid('sched-cron'), zone: uid('sched-zone') };
  const summary = h('p', { dataset: { testid: 'schedule-summary' } }, 'Loading…');
  const error = h('div', { class: 'form-error', role: 'alert', dataset: { testid: 'schedule-error' } });
  const cron = h('input', { id: ids.cron, type: 'text', placeholder: '0 3 * * *', dataset: { testid: 'schedule-cron' } });
  const zone = h('input', { id: ids.zone, type: 'text', placeholder: 'UTC', dataset: { testid: 'schedule-zone' } });
  const save = h('button', { type: 'submit', class: 'primary', dataset: { testid: 'schedule-save' } }, 'Save schedule');
  const clear = h('button', { type: 'button', class: 'secondary', dataset: { testid: 'schedule-clear' } }, 'Turn off');
  const form = isAdmin ? h('form', { class: 'inline-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); put(true); } },
    h('div', { class: 'field' }, h('label', { for: ids.cron }, 'Cron (minute hour day month weekday)'), cron),
    h('div', { class: 'field' }, h('label', { for: ids.zone }, 'Time zone (IANA)'), zone),
    save, clear) : null;
  clear.addEventListener('click', () => put(false));

  function show(schedule) {
    if (!schedule || !schedule.cron) {
      replace(summary, 'No schedule: runs start only when someone starts them.');
    } else if (!schedule.enabled) {
      replace(summary, `Off (was "${schedule.cron}" in ${schedule.time_zone}).`);
    } else {
      replace(summary, `Runs "${schedule.cron}" in ${schedule.time_zone}; next run ${dateTime(schedule.next_run_at)}.`);
    }
    if (schedule && schedule.cron) {
      cron.value = schedule.cron;
      zone.value = schedule.time_zone || '';
    }
    clear.disabled = !(schedule && schedule.cron && schedule.enabled);
  }

  async function put(enabled) {
    error.textContent = '';
    const body = { cron: cron.value.trim(), enabled };
    if (zone.value.trim()) body.time_zone = zone.value.trim();
    save.disabled = true;
    try {
      show(await api.setSchedule(workflowId, body));
      showInfo(enabled ? 'Schedule saved.' : 'Schedule turned off.');
    } catch (e) {
      error.textContent = e.message;
    } finally {
      save.disabled = false;
    }
  }

  api.schedule(workflowId).then(show).catch((e) => {
    replace(summary, '');
    error.textContent = `Could not load the schedule: ${e.message}`;
  });
  return h('section', { class: 'editor-fields schedule', 'aria-label': 'Schedule', dataset: { testid: 'workflow-schedule' } },
    h('h2', {}, 'Schedule'), summary,
    h('p', { class: 'muted small-text' }, 'Scheduled runs show "scheduler" as who started them; runs missed while PULSE was down are made up by one run.'),
    form, error);
}
