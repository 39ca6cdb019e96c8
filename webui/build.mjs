// Bundles the dashboard into one directory the API verticle serves as webroot/.
// Usage: node build.mjs [outdir]   (default: target/classes/webroot)
import * as esbuild from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

const source = 'src/main/web';
const outdir = path.resolve(process.argv[2] || 'target/classes/webroot');

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

await esbuild.build({
  entryPoints: [`${source}/js/main.js`],
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  platform: 'browser',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  outfile: path.join(outdir, 'app.js'),
  // sockjs-client is written for browserify: it reads `global` and NODE_ENV.
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

for (const file of ['index.html', 'styles.css', 'favicon.svg']) {
  await cp(path.join(source, file), path.join(outdir, file));
}
console.log(`dashboard built into ${outdir}`);
