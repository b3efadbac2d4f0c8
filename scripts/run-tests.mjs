// Runs every compiled spec (dist/test/**/*.spec.js) with node's test runner, with the
// environment pretest settled on. Extra arguments filter spec paths by substring.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stopRedisCluster } from './pretest/redis-cluster.mjs';
import { stopPrivateNats } from './pretest/nats.mjs';

const root = resolve(import.meta.dirname, '..');
const testRoot = join(root, 'dist', 'test');

function findSpecs(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findSpecs(path);
    return entry.name.endsWith('.spec.js') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const specs = findSpecs(testRoot)
  .filter((path) => filters.length === 0 || filters.some((f) => path.includes(f)))
  .sort();
if (specs.length === 0) {
  console.error('No compiled specs found under dist/test: run `npm run build` first.');
  process.exit(1);
}
const envFile = join(root, '.test-env.json');
const extraEnv = existsSync(envFile) ? JSON.parse(readFileSync(envFile, 'utf8')) : {};
const args = [
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec',
  ...specs.map((p) => relative(root, p)),
];
const child = spawn(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...extraEnv, FORCE_COLOR: '0' },
});
child.on('exit', (code, signal) => {
  // `npm test` ran pretest, which started the private Redis Cluster: stop it with the run.
  if (process.env.npm_lifecycle_event === 'test') stopRedisCluster(root);
  // ... and the private nats-server, when NATS was not already running
  if (process.env.npm_lifecycle_event === 'test') stopPrivateNats();
  process.exit(code ?? (signal ? 1 : 0));
});
