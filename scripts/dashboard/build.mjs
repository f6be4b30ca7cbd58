// Bundles the analyst dashboard (src/Protocol.Api/Dashboard) into static files: app.js (pages and
// Chart.js, from node_modules), app.css and index.html. Run by the Protocol.Api build; the files are
// embedded in the assembly, so nothing is fetched from a CDN at run time.
//   node scripts/dashboard/build.mjs OUTDIR
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const source = path.join(root, 'src/Protocol.Api/Dashboard');
const out = path.resolve(process.argv[2] ?? path.join(root, 'out/dashboard'));
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: path.join(source, 'src/main.js') },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
});
await copyFile(path.join(source, 'index.html'), path.join(out, 'index.html'));
