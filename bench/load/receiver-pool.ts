import { Worker } from 'node:worker_threads';
import type { WireDialect } from '../server/contenders.js';
import type { Endpoint } from './bench-socket.js';
import type { BroadcastReceivers } from './broadcast-driver.js';
import { BroadcastLedger } from './broadcast-ledger.js';
import { LatencyHistogram } from './histogram.js';
import type {
  ReceiverThreadCommand,
  ReceiverThreadData,
  ReceiverThreadReply,
} from './receiver-thread-protocol.js';

const THREAD_MAIN = new URL('./receiver-thread.js', import.meta.url);
const ANSWER_MS = 20_000;

/** Where and how many clients a {@link ReceiverPool} opens. */
export interface ReceiverPoolOptions {
  readonly port: number;
  readonly dialect: WireDialect;
  readonly endpoint: Endpoint;
  readonly token?: string;
  readonly clients: number;
  /** Worker threads the clients are spread over. */
  readonly threads: number;
}

type ReplyOf<T extends ReceiverThreadReply['type']> = Extract<ReceiverThreadReply, { type: T }>;

/** One worker thread and the replies awaited from it, one at a time per kind. */
class ReceiverThread {
  private readonly awaiting = new Map<string, (reply: ReceiverThreadReply) => void>();
  private failure: Error | undefined;
  private readonly failed: Promise<never>;
  private readonly ended: Promise<void>;

  constructor(
    readonly worker: Worker,
    onComplete: (seq: number) => void,
  ) {
    let fail: (error: Error) => void = () => undefined;
    this.failed = new Promise<never>((_, reject) => (fail = reject));
    this.failed.catch(() => undefined);
    const stop = (error: Error) => {
      this.failure ??= error;
      fail(this.failure);
    };
    worker.on('message', (reply: ReceiverThreadReply) => {
      if (reply.type === 'complete') return onComplete(reply.seq);
      if (reply.type === 'failed') return stop(new Error(reply.error));
      const resolve = this.awaiting.get(reply.type);
      this.awaiting.delete(reply.type);
      resolve?.(reply);
    });
    worker.on('error', stop);
    this.ended = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        stop(new Error(`receiver thread exited (${code})`));
        resolve();
      }),
    );
  }

  /** The thread's next reply of kind `type` (after sending `command`, if given). */
  next<T extends ReceiverThreadReply['type']>(
    type: T,
    command?: ReceiverThreadCommand,
  ): Promise<ReplyOf<T>> {
    if (this.failure) return Promise.reject(this.failure);
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<ReplyOf<T>>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`receiver thread did not answer ${type}`)),
        ANSWER_MS,
      );
      this.awaiting.set(type, (reply) => resolve(reply as ReplyOf<T>));
    });
    if (command) this.worker.postMessage(command);
    return Promise.race([answered, this.failed]).finally(() => clearTimeout(timer));
  }

  /** Asks the thread to close its clients, and waits for it to end. */
  async close(): Promise<void> {
    if (!this.failure) await this.next('closed', { type: 'close' }).catch(() => undefined);
    const timer = setTimeout(() => void this.worker.terminate(), 5_000);
    await this.ended;
    clearTimeout(timer);
  }
}

/**
 * Broadcast receivers spread over worker threads, so that reading thousands of sockets can use
 * more than one core of the load generator. Arrivals are counted in a shared
 * {@link BroadcastLedger}; the thread that sees a broadcast's last arrival tells the pool.
 */
export class ReceiverPool implements BroadcastReceivers {
  private onComplete: (seq: number) => void = () => undefined;

  private constructor(
    readonly ledger: BroadcastLedger,
    private readonly threads: readonly ReceiverThread[],
    readonly count: number,
  ) {}

  /** Starts the threads and opens every client; rejects (with every thread stopped) on a failure. */
  static async open(options: ReceiverPoolOptions): Promise<ReceiverPool> {
    const ledger = new BroadcastLedger();
    const threadCount = Math.max(1, Math.min(options.threads, options.clients));
    const threads: ReceiverThread[] = [];
    const pool = new ReceiverPool(ledger, threads, options.clients);
    for (let t = 0; t < threadCount; t++) {
      const clients =
        Math.floor(options.clients / threadCount) + (t < options.clients % threadCount ? 1 : 0);
      const workerData: ReceiverThreadData = {
        ledger: ledger.buffer,
        port: options.port,
        dialect: options.dialect,
        endpoint: options.endpoint,
        token: options.token,
        clients,
      };
      threads.push(
        new ReceiverThread(new Worker(THREAD_MAIN, { workerData }), (seq) => pool.onComplete(seq)),
      );
    }
    try {
      await Promise.all(threads.map((thread) => thread.next('ready')));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  async begin(onComplete: (seq: number) => void): Promise<void> {
    this.ledger.reset();
    this.onComplete = onComplete;
    await Promise.all(this.threads.map((thread) => thread.next('begun', { type: 'begin' })));
  }

  async tally(): Promise<{ deliveries: number; histogram: LatencyHistogram }> {
    const tallies = await Promise.all(
      this.threads.map((thread) => thread.next('tally', { type: 'tally' })),
    );
    const histogram = new LatencyHistogram();
    for (const tally of tallies) histogram.add(LatencyHistogram.decode(tally.histogram));
    return { deliveries: tallies.reduce((sum, t) => sum + t.deliveries, 0), histogram };
  }

  /** Closes every client and ends the threads. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}
