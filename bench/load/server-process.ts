import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CpuBreakdown } from '../report/cpu-breakdown.js';
import type { ServerCommand, ServerReply, ServerUsage } from '../ipc-protocol.js';
import type { ContenderId } from '../server/contenders.js';

const SERVER_MAIN = join(import.meta.dirname, '..', 'server', 'server-main.js');

/** Options of a server process. */
export interface ServerProcessOptions {
  /** Directory for a V8 CPU profile of the server (`--cpu-prof`), when profiling. */
  readonly cpuProfileDir?: string;
}

/** A contender's server running in its own process, driven over IPC. */
export class ServerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ServerReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    /** The server's port on 127.0.0.1. */
    readonly port: number,
    /** The WebTransport echo endpoint, when the contender serves one. */
    readonly webTransport?: { readonly url: string; readonly certificateHash: string },
  ) {
    child.on('message', (reply: ServerReply) => {
      if (reply.type !== 'usage' && reply.type !== 'profile' && reply.type !== 'stopped') return;
      const resolve = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      resolve?.(reply);
    });
  }

  /** Starts a contender's server process and waits until it listens. */
  static start(contender: ContenderId, options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const execArgv = serverNodeFlags();
    if (options.cpuProfileDir) {
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
    }
    const child = fork(SERVER_MAIN, [contender], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${contender} server did not start within 30 s`));
      }, 30_000);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${contender} server exited (${code}) before listening`));
      };
      child.once('exit', onExit);
      child.on('message', function onMessage(reply: ServerReply) {
        if (reply.type === 'ready') {
          clearTimeout(timer);
          child.off('exit', onExit);
          child.off('message', onMessage);
          pinToServerCpu(child);
          resolve(new ServerProcess(child, reply.port, reply.webTransport));
        } else if (reply.type === 'failed') {
          clearTimeout(timer);
          child.off('exit', onExit);
          child.kill('SIGKILL');
          reject(new Error(reply.error));
        }
      });
    });
  }

  /** Asks the server to broadcast payload number `seq` of `size` bytes to its subscribers. */
  broadcast(seq: number, size: number): void {
    this.send({ cmd: 'broadcast', seq, size });
  }

  /** The server's CPU time and memory (after a full GC when `gc`). */
  async usage(gc = false): Promise<ServerUsage> {
    const id = this.nextId++;
    const reply = await this.request(id, { cmd: 'usage', id, gc });
    if (reply.type !== 'usage') throw new Error('Unexpected reply to a usage request');
    return reply.usage;
  }

  /** Starts recording a CPU profile of the server (resolves once recording). */
  async startProfile(): Promise<void> {
    const id = this.nextId++;
    await this.request(id, { cmd: 'profile', id, action: 'start' });
  }

  /** Stops the profile started by {@link startProfile}: where the server's CPU time went. */
  async stopProfile(): Promise<CpuBreakdown> {
    const id = this.nextId++;
    const reply = await this.request(id, { cmd: 'profile', id, action: 'stop' });
    if (reply.type !== 'profile' || !reply.breakdown) throw new Error('No profile came back');
    return reply.breakdown;
  }

  /** Stops the server (it writes its CPU profile, if any, on exit). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const id = this.nextId++;
    this.send({ cmd: 'stop', id });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private request(id: number, command: ServerCommand): Promise<ServerReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('The server did not answer within 20 s'));
      }, 20_000);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.send(command);
    });
  }

  private send(command: ServerCommand): void {
    if (this.child.connected) this.child.send(command);
  }
}

/**
 * With `BENCH_SERVER_CPU=n` (and `taskset` present), every thread of a contender's server runs on
 * CPU n only: the server does not migrate between cores in the middle of a window, and each
 * contender gets the same core, whatever the load generator does on the others.
 */
function pinToServerCpu(child: ChildProcess): void {
  const cpu = process.env.BENCH_SERVER_CPU;
  if (cpu === undefined || cpu === '' || child.pid === undefined) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpu, String(child.pid)], { stdio: 'ignore' });
  } catch {
    // No taskset, or no such CPU: the server runs unpinned.
  }
}

/**
 * The Node/V8 flags every contender's server process runs with, the same for all of them, plus
 * any in `BENCH_SERVER_NODE_FLAGS` (space-separated). `--min-semi-space-size=16` keeps the young
 * generation from shrinking while a server waits idle in the rotation (BENCHMARKS.md, Method).
 */
export function serverNodeFlags(): string[] {
  const extra = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  return ['--expose-gc', '--max-old-space-size=4096', '--min-semi-space-size=16', ...extra];
}
