// Where a page spent its main thread, from a Chromium .cpuprofile (S6 with --jfr writes one):
//   node bench/cpuprofile-top.mjs bench/target/run/s6/page-1.cpuprofile [webui/target/classes/webroot/app.js.map]
// Prints self and total time per function, named by the dashboard's own sources through the
// bundle's source map, and the browser's own work (layout, style, GC...) as Chromium names it.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

const [profilePath, mapPath = 'webui/target/classes/webroot/app.js.map'] = process.argv.slice(2);
if (!profilePath) {
  console.error('usage: node bench/cpuprofile-top.mjs PROFILE [SOURCE_MAP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(profilePath, 'utf8'));
let map = null;
try {
  map = new SourceMap(JSON.parse(readFileSync(mapPath, 'utf8')));
} catch (e) {
  console.error(`no source map (${e.message}); names stay minified`);
}

function name(frame) {
  const fn = frame.functionName || '(anonymous)';
  if (!frame.url || !frame.url.endsWith('app.js') || !map) {
    return frame.url ? `${fn} ${frame.url.split('/').pop()}:${frame.lineNumber + 1}` : fn;
  }
  const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
  if (!entry || !entry.originalSource) return `${fn} app.js:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
  const source = entry.originalSource.replace(/^.*src\/main\/web\//, '').replace(/^.*node_modules\//, 'npm:');
  return `${entry.name || fn} ${source}:${entry.originalLine + 1}`;
}

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children || []) parent.set(child, node.id);
const self = new Map();
const total = new Map();
const deltas = profile.timeDeltas || [];
let all = 0;
profile.samples.forEach((id, i) => {
  const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
  all += ms;
  const leaf = name(byId.get(id).callFrame);
  self.set(leaf, (self.get(leaf) || 0) + ms);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const label = name(byId.get(at).callFrame);
    if (seen.has(label)) continue;
    seen.add(label);
    total.set(label, (total.get(label) || 0) + ms);
  }
});

function top(table, title, count) {
  console.log(`\n${title}`);
  [...table.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)
    .forEach(([label, ms]) => console.log(`${ms.toFixed(0).padStart(8)} ms ${(100 * ms / all).toFixed(1).padStart(5)} %  ${label}`));
}

console.log(`${profilePath}: ${all.toFixed(0)} ms sampled`);
top(self, 'self time', 25);
top(total, 'total time (function and what it called)', 25);
