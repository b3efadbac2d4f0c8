import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ScaleOutBackend, ScaleOutCommand, ScaleOutReply } from './scale-out-protocol.js';

const SERVER_MAIN = join(import.meta.dirname, 'scale-out.server.js');
const START_LIMIT_MS = 30_000;
const ANSWER_LIMIT_MS = 15_000;

/** A command without its id (the process numbers them). */
type Unidentified<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The scale-out primary (and its instances), driven by request/reply over IPC. */
export class ScaleOutProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ScaleOutReply) => void>();
  private failure: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    /** The port every instance listens on. */
    readonly port: number,
    /** Instances behind the port. */
    readonly instances: number,
  ) {
    child.on('message', (reply: ScaleOutReply) => {
      if (reply.type === 'failed') this.failure = reply.error;
      if (!('id' in reply)) return;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  /** Forks the primary with `instances` instances on `backend`, resolving once all listen. */
  static start(
    backend: ScaleOutBackend,
    instances: number,
    env: Record<string, string>,
  ): Promise<ScaleOutProcess> {
    const child = fork(SERVER_MAIN, [backend, String(instances)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(message));
      };
      const timer = setTimeout(
        () => fail(`${instances} ${backend} instances did not start within 30 s`),
        START_LIMIT_MS,
      );
      child.once('exit', (code) => fail(`the ${backend} primary exited (${code}) before ready`));
      child.once('message', (reply: ScaleOutReply) => {
        if (reply.type === 'ready') {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve(new ScaleOutProcess(child, reply.port, reply.workers));
        } else fail(reply.type === 'failed' ? reply.error : `unexpected reply ${reply.type}`);
      });
    });
  }

  /** Sends `command` to its instance and resolves with the reply of `type`. */
  request<T extends ScaleOutReply['type']>(
    command: Unidentified<ScaleOutCommand>,
    type: T,
  ): Promise<Extract<ScaleOutReply, { type: T }>> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new Error(this.failure ?? `instance ${command.worker} did not answer ${command.cmd}`),
        );
      }, ANSWER_LIMIT_MS);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.type === type) resolve(reply as Extract<ScaleOutReply, { type: T }>);
        else reject(new Error(`expected ${type}, got ${reply.type}`));
      });
      this.child.send({ ...command, id });
    });
  }

  /** Stops the primary, which kills its instances; SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
