// S6's probe, run before the dashboard's own scripts: how late the page's main thread answers.
// A 20 ms timer notes how much later than due it fires (a user's click or key waits as long);
// requestAnimationFrame notes each frame's interval; PerformanceObserver('longtask') lists every
// task over 50 ms. reset() starts a window, report() ends it.
(() => {
  const INTERVAL = 20;
  let timerLag = [];
  let frames = [];
  let longTasks = [];
  let started = performance.now();
  let due = performance.now() + INTERVAL;
  const tick = () => {
    const now = performance.now();
    timerLag.push(Math.max(0, now - due));
    due = now + INTERVAL;
    setTimeout(tick, INTERVAL);
  };
  setTimeout(tick, INTERVAL);
  let lastFrame = 0;
  const frame = (t) => {
    if (lastFrame) frames.push(t - lastFrame);
    lastFrame = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  let longTaskSupported = false;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
    longTaskSupported = PerformanceObserver.supportedEntryTypes.includes('longtask');
  } catch (e) {
    longTaskSupported = false;
  }
  window.__pulseProbe = {
    reset() {
      timerLag = [];
      frames = [];
      longTasks = [];
      lastFrame = 0;
      started = performance.now();
    },
    report() {
      const panes = [...document.querySelectorAll('[data-testid=output-pane]')];
      const texts = panes.map((p) => p.querySelector('[data-testid=output-text]')?.textContent || '');
      return {
        window_ms: performance.now() - started,
        timer_lag_ms: timerLag,
        frame_ms: frames,
        long_task_supported: longTaskSupported,
        long_tasks_ms: longTasks.filter(([start]) => start >= started).map(([, duration]) => duration),
        dom_nodes: document.getElementsByTagName('*').length,
        output_panes: panes.length,
        output_chars: texts.reduce((sum, t) => sum + t.length, 0),
        panes_with_last_line: texts.filter((t) => t.includes('line 50\n')).length,
        connection: document.getElementById('connection')?.dataset.state || null,
      };
    },
  };
})();
