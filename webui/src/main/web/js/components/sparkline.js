// A small SVG trend line for a metric's recent samples.
const SVG = 'http://www.w3.org/2000/svg';

/** values: numbers (oldest first); max: fixed top of the scale, or null to fit. */
export function sparkline(values, { max = null, label = 'trend', width = 100, height = 28 } = {}) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${label}: ${values.length} recent samples`);
  svg.dataset.testid = 'sparkline';
  svg.dataset.samples = String(values.length);
  const points = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (points.length === 0) return svg;
  const top = max !== null ? max : Math.max(...points, 0.0001);
  const step = width / Math.max(points.length - 1, 1);
  const y = (v) => (height - 2 - (Math.min(v, top) / top) * (height - 4)).toFixed(1);
  // One sample is drawn as a level line, so the trend is visible from the first heartbeat.
  const coords = points.length === 1
    ? [`0,${y(points[0])}`, `${width},${y(points[0])}`]
    : points.map((v, i) => `${(i * step).toFixed(1)},${y(v)}`);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', coords.join(' '));
  line.setAttribute('fill', 'none');
  svg.append(line);
  return svg;
}
