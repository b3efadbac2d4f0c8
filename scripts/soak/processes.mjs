// The soak's processes: a private redis-server (the only Redis the soak ever restarts) and the
// sample app instances, each restartable on its own port.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const probe = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Resolves once `port` accepts a TCP connection, or rejects after `timeoutMs`. */
export async function waitForPort(port, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));
}

/**
 * A redis-server of the soak's own, persisted as in production (append-only file, fsync on
 * every write) in a temporary folder, so a restart after SIGKILL keeps every acknowledged write.
 */
export class SoakRedis {
  constructor(port) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'forge-soak-redis-'));
  }

  async start() {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(this.port);
  }

  /** Removes the persistence folder (after the last kill). */
  dispose() {
    rmSync(this.dir, { recursive: true, force: true });
  }

  async kill() {
    if (!this.child) return;
    const child = this.child;
    this.child = undefined;
    child.kill('SIGKILL');
    await exited(child);
  }
}

/** One sample instance (`node dist/sample/main.js`) with its latest memory report. */
export class SampleInstance {
  constructor(name, port, env) {
    this.name = name;
    this.port = port;
    this.env = env;
    this.memory = undefined;
    this.restarts = 0;
  }

  async start() {
    this.child = spawn(process.execPath, ['--import', probe, 'dist/sample/main.js'], {
      cwd: root,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.stderr = '';
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.child.on('message', (message) => {
      if (message?.memory) this.memory = message.memory;
    });
    await waitForPort(this.port);
  }

  /** SIGTERM, then waits for the exit; resolves with how long the exit took in ms. */
  async stop(signal = 'SIGTERM') {
    if (!this.child) return 0;
    const child = this.child;
    this.child = undefined;
    this.memory = undefined;
    const started = Date.now();
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited(child);
    clearTimeout(timer);
    return Date.now() - started;
  }

  get running() {
    return this.child !== undefined;
  }
}
