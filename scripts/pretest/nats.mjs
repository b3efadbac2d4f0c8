// Finds NATS with JetStream (NATS_URL, else 127.0.0.1:4222), or starts a private
// `nats-server -js` on a free port with a temporary store (installed with apt when missing).
// The private server is detached so it outlives pretest and serves the test run; its pid is
// written next to its store, and `stopPrivateNats()` (called by run-tests.mjs at the end of
// `npm test`, or `node scripts/pretest/nats.mjs stop`) stops it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const dir = resolve(root, '.nats-test');
const pidFile = resolve(dir, 'nats.pid');

function log(message) {
  console.log(`[pretest] ${message}`);
}

/** Resolves with the server's INFO when a NATS server with JetStream answers, else undefined. */
export function natsInfo(host, port, timeoutMs = 1000) {
  return new Promise((done) => {
    const socket = net.connect({ host, port });
    const finish = (info) => {
      socket.destroy();
      done(info);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.on('error', () => finish(undefined));
    socket.on('data', (data) => {
      const line = data.toString();
      if (!line.startsWith('INFO ')) return finish(undefined);
      try {
        finish(
          JSON.parse(line.slice(5, line.indexOf('\r\n') > 0 ? line.indexOf('\r\n') : undefined)),
        );
      } catch {
        finish(undefined);
      }
    });
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

/** Stops the private server a previous run started (if it still runs). */
export function stopPrivateNats() {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (pid > 0) process.kill(pid, 'SIGTERM');
    log(`stopped the private nats-server (pid ${pid})`);
  } catch {
    // already gone
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The URL of a NATS server with JetStream for the tests. `aptInstall(pkg)` installs a missing
 * package (the caller's, shared with the other pretest steps).
 */
export async function ensureNats(aptInstall) {
  const url = new URL(process.env.NATS_URL ?? 'nats://127.0.0.1:4222');
  const port = Number(url.port || 4222);
  const info = await natsInfo(url.hostname, port);
  if (info?.jetstream) {
    log(`NATS ${info.version} with JetStream answers at ${url.href}`);
    return `nats://${url.hostname}:${port}`;
  }
  if (info) log(`NATS at ${url.href} has no JetStream: starting a private one`);
  if (!which('nats-server')) aptInstall('nats-server');
  stopPrivateNats();
  const privatePort = await freePort();
  mkdirSync(dir, { recursive: true });
  log(`starting a private nats-server -js on 127.0.0.1:${privatePort}`);
  const child = spawn(
    'nats-server',
    ['-a', '127.0.0.1', '-p', String(privatePort), '-js', '-sd', resolve(dir, 'store')],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  for (let i = 0; i < 50; i += 1) {
    if ((await natsInfo('127.0.0.1', privatePort))?.jetstream) {
      return `nats://127.0.0.1:${privatePort}`;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stopPrivateNats();
  throw new Error('nats-server -js did not start');
}

if (process.argv[1] === import.meta.filename) {
  if (process.argv[2] === 'stop') stopPrivateNats();
  else console.log(await ensureNats((pkg) => execFileSync('apt-get', ['install', '-y', pkg])));
}
