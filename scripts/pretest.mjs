// Finds or starts what the test suite needs: a Redis server, a Redis Cluster, NATS with
// JetStream (scripts/pretest/nats.mjs) and Debian's Chromium.
// Writes the URLs it settled on to .test-env.json for scripts/run-tests.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import { ensureNats } from './pretest/nats.mjs';
import { ensureRedisCluster } from './pretest/redis-cluster.mjs';

const root = resolve(import.meta.dirname, '..');
let aptUpdated = false;

function log(message) {
  console.log(`[pretest] ${message}`);
}

function aptInstall(pkg) {
  if (process.getuid?.() !== 0) {
    throw new Error(`${pkg} is missing and installing it needs root: apt-get install -y ${pkg}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    aptUpdated = true;
  }
  log(`apt-get install -y ${pkg}`);
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env });
}

function ping(host, port, timeoutMs = 1000) {
  return new Promise((done) => {
    const socket = net.connect({ host, port });
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}

function freePort() {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

function which(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

async function ensureRedis() {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (await ping(url.hostname, Number(url.port || 6379))) {
    log(`Redis answers at ${url.href}`);
    return url.href;
  }
  if (!which('redis-server')) aptInstall('redis-server');
  const port = await freePort();
  const dir = resolve(root, '.redis-test');
  mkdirSync(dir, { recursive: true });
  log(`starting a private redis-server on 127.0.0.1:${port}`);
  execFileSync('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--logfile',
    resolve(dir, 'redis.log'),
    '--pidfile',
    resolve(dir, 'redis.pid'),
  ]);
  for (let i = 0; i < 50; i += 1) {
    if (await ping('127.0.0.1', port)) return `redis://127.0.0.1:${port}`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) {
    log(`Chromium at ${path}`);
    return path;
  }
  aptInstall('chromium');
  return path;
}

const redisUrl = await ensureRedis();
const chromiumPath = ensureChromium();
const natsUrl = await ensureNats(aptInstall);
if (!which('redis-server')) aptInstall('redis-server');
const redisCluster = await ensureRedisCluster(root);
writeFileSync(
  resolve(root, '.test-env.json'),
  JSON.stringify(
    { REDIS_URL: redisUrl, CHROMIUM_PATH: chromiumPath, NATS_URL: natsUrl, ...redisCluster },
    null,
    2,
  ),
);
