import { performance } from 'node:perf_hooks';
import { BENCH_TOKEN } from '../bench-config.js';
import type { CpuBreakdown } from '../report/cpu-breakdown.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import { BenchSocket, closeSockets, openSockets } from './bench-socket.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import type { ServerProcess } from './server-process.js';

const MESSAGE = 'echo:0123456789abcdef0123456789abcdef';

/** What one measured window of closed-loop echo achieved. */
export interface EchoWindow {
  readonly roundTrips: number;
  readonly seconds: number;
  readonly serverCpuSeconds: number;
  /** The server's socket writes during the window (undefined when it does not count them). */
  readonly socketWrites: number | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closed-loop echo clients connected to one server: each client keeps `depth` messages in flight
 * (sends that many, then one more for every answer), while a window is open. Windows can be opened repeatedly (interleaved with other
 * contenders' windows); latency accumulates over all of them.
 */
export class EchoSession {
  private readonly histogram = new LatencyHistogram();
  private sockets: BenchSocket[] = [];
  /** Send times of each client's messages in flight, oldest first (answers come in order). */
  private sentAt: number[][] = [];
  private inFlight = new Uint8Array(0);
  private running = false;
  private recording = false;
  private roundTrips = 0;

  constructor(
    readonly contender: ContenderId,
    readonly server: ServerProcess,
    readonly clients: number,
    readonly depth = 1,
  ) {}

  /** Connects the clients. */
  async open(): Promise<void> {
    const { dialect } = CONTENDERS[this.contender];
    this.sentAt = Array.from({ length: this.clients }, () => []);
    this.inFlight = new Uint8Array(this.clients);
    this.sockets = await openSockets(this.clients, (i) => {
      const socket: BenchSocket = new BenchSocket({
        port: this.server.port,
        dialect,
        endpoint: 'echo',
        token: BENCH_TOKEN,
        onMessage: () => {
          const now = performance.now();
          const sentAt = this.sentAt[i].shift() ?? now;
          this.inFlight[i] -= 1;
          if (this.recording) {
            this.roundTrips += 1;
            this.histogram.recordMs(now - sentAt);
          }
          if (this.running) this.send(i);
        },
      });
      return socket;
    });
  }

  /** Runs the loop for `ms` without recording (warm-up, or load for a profile). */
  async load(ms: number): Promise<void> {
    this.start();
    await sleep(ms);
    await this.stop();
  }

  /** Runs and records one window, after `warmMs` of unrecorded load (see `echoWarmSeconds`). */
  async window(ms: number, warmMs = 0): Promise<EchoWindow> {
    this.start();
    if (warmMs > 0) await sleep(warmMs);
    const before = await this.server.usage();
    const roundTripsBefore = this.roundTrips;
    const started = performance.now();
    this.recording = true;
    await sleep(ms);
    this.recording = false;
    const seconds = (performance.now() - started) / 1000;
    const after = await this.server.usage();
    await this.stop();
    return {
      roundTrips: this.roundTrips - roundTripsBefore,
      seconds,
      serverCpuSeconds: (after.cpuMicros - before.cpuMicros) / 1e6,
      socketWrites:
        before.socketWrites === undefined || after.socketWrites === undefined
          ? undefined
          : after.socketWrites - before.socketWrites,
    };
  }

  /** Runs the loop for `ms` while the server records a CPU profile. */
  async profile(ms: number): Promise<CpuBreakdown> {
    this.start();
    await this.server.startProfile();
    await sleep(ms);
    const breakdown = await this.server.stopProfile();
    await this.stop();
    return breakdown;
  }

  /** Latency over every recorded window. */
  latency(): LatencySummary {
    return this.histogram.summary();
  }

  async close(): Promise<void> {
    this.running = false;
    await closeSockets(this.sockets);
  }

  private start(): void {
    this.running = true;
    for (let i = 0; i < this.clients; i++) {
      while (this.inFlight[i] < this.depth) this.send(i);
    }
  }

  /** Stops sending and waits (briefly) for the answers still on their way. */
  private async stop(): Promise<void> {
    this.running = false;
    for (let waited = 0; waited < 1000 && this.inFlight.some((f) => f > 0); waited += 10) {
      await sleep(10);
    }
  }

  private send(i: number): void {
    this.inFlight[i] += 1;
    this.sentAt[i].push(performance.now());
    this.sockets[i].sendEcho(MESSAGE);
  }
}
