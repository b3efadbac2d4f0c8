import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { waitFor } from '../../support/wait-for.js';
import { freePort } from '../redis/redis-test-env.js';

/** The shared NATS (with JetStream) of the test run. */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A subject / bucket prefix no other test uses. */
export function uniqueNatsPrefix(name: string): string {
  return `t${name}${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9_-]/g, '');
}

/** Whether a NATS server answers on `port` with JetStream enabled. */
export function natsAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('data', (data) => {
      const line = data.toString();
      finish(line.startsWith('INFO ') && line.includes('"jetstream":true'));
    });
  });
}

/**
 * A private `nats-server -js` on a free port, with its own store directory, that a test may kill
 * and start again on the same port (the store survives, as on a real restart).
 */
export class PrivateNats {
  private process: ChildProcess | undefined;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'forge-nats-'));

  private constructor(readonly port: number) {}

  /** Picks a free port; call {@link start}. */
  static async create(): Promise<PrivateNats> {
    return new PrivateNats(await freePort());
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server and waits until it answers with JetStream. */
  async start(): Promise<void> {
    const child = spawn(
      process.env.NATS_SERVER ?? 'nats-server',
      ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir],
      { stdio: 'ignore' },
    );
    this.process = child;
    await waitFor(() => natsAnswers(this.port), `nats-server on ${this.port}`, 10_000);
  }

  /** Kills the server (SIGKILL) and waits until it exited. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills the server and removes its store. */
  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** Deletes every stream and KV bucket the adapter created under `prefix` on `url`. */
export async function deleteNatsPrefix(prefix: string, url = NATS_URL): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const upper = `${prefix.toUpperCase()}_`;
    const kv = `KV_${prefix}-`;
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(upper) || name.startsWith(kv)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}
