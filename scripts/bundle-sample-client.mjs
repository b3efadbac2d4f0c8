// Bundles the sample page's browser code (sample/client/main.ts) into sample/public/bundle.js.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const entry = resolve(root, 'sample/client/main.ts');
if (!existsSync(entry)) {
  console.log('[bundle] no sample client yet');
  process.exit(0);
}
await build({
  entryPoints: [entry],
  absWorkingDir: root,
  // tsconfig `paths` map `nestjs-forge-streaming/client` to src/client/index.ts.
  tsconfig: resolve(root, 'tsconfig.json'),
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120'],
  sourcemap: true,
  outfile: resolve(root, 'sample/public/bundle.js'),
  logLevel: 'warning',
});
console.log('[bundle] sample/public/bundle.js written');
