import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import {
  createStreamingClient,
  type StreamingClient,
  type WebSocketConstructor,
} from '../../src/client/index.js';
import type { RecoveredData } from '../../src/wire/recovery-outcome.js';
import { STORM_EVENT, STORM_PATH, type StormContender } from './reconnect-storm-protocol.js';

/** The reconnect delays both clients use: first bound 1 s, cap 5 s (Socket.IO's defaults). */
export const STORM_BACKOFF = { initialDelayMs: 1_000, maxDelayMs: 5_000 } as const;

/** One load client of the storm, whichever library it uses. */
export interface StormClient {
  /** Open (before the drop: connected and in the room). */
  readonly connected: boolean;
  /** When it was back and had every missed event (performance.now), once it was. */
  readonly caughtUpAt: number | undefined;
  /** Whether its library said the state was recovered (undefined until it said). */
  readonly recovered: boolean | undefined;
  /** Missed events received more than once. */
  readonly duplicates: number;
  /** Starts watching for the storm: from now, `missed` events must arrive after a reconnect. */
  arm(missed: number): void;
  close(): void;
}

/** The parts both clients share: counting the missed events and the reconnect. */
class Tracker {
  caughtUpAt: number | undefined;
  recovered: boolean | undefined;
  duplicates = 0;
  private expected = -1;
  private reopened = false;
  private readonly seen = new Set<string>();

  arm(missed: number): void {
    this.expected = missed;
  }

  event(text: string): void {
    if (!text.startsWith('missed-')) return;
    if (this.seen.has(text)) this.duplicates += 1;
    this.seen.add(text);
    this.check();
  }

  reopen(recovered: boolean | undefined): void {
    if (this.expected < 0) return;
    this.reopened = true;
    if (recovered !== undefined) this.recovered = recovered;
    this.check();
  }

  outcome(recovered: boolean): void {
    if (this.expected >= 0) this.recovered = recovered;
    this.check();
  }

  private check(): void {
    if (this.caughtUpAt !== undefined || this.expected < 0 || !this.reopened) return;
    if (this.recovered === undefined || this.seen.size < this.expected) return;
    this.caughtUpAt = performance.now();
  }
}

class ForgeStormClient implements StormClient {
  private readonly tracker = new Tracker();
  private readonly client: StreamingClient;

  constructor(port: number) {
    this.client = createStreamingClient(`ws://127.0.0.1:${port}/${STORM_PATH}`, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      reconnect: STORM_BACKOFF,
      offlineQueue: 0,
    });
    this.client.on(STORM_EVENT, (data: { text: string }) => this.tracker.event(data.text));
    this.client.on('state', (state: string) => {
      if (state === 'open') this.tracker.reopen(undefined);
    });
    this.client.on('recovered', (outcome: RecoveredData) =>
      this.tracker.outcome(outcome.recovered),
    );
  }

  get connected(): boolean {
    return this.client.state === 'open';
  }
  get caughtUpAt(): number | undefined {
    return this.tracker.caughtUpAt;
  }
  get recovered(): boolean | undefined {
    return this.tracker.recovered;
  }
  get duplicates(): number {
    return this.tracker.duplicates;
  }
  arm(missed: number): void {
    this.tracker.arm(missed);
  }
  close(): void {
    this.client.close();
  }
}

class SocketIoStormClient implements StormClient {
  private readonly tracker = new Tracker();
  private readonly socket: Socket;

  constructor(port: number) {
    this.socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnectionDelay: STORM_BACKOFF.initialDelayMs,
      reconnectionDelayMax: STORM_BACKOFF.maxDelayMs,
      randomizationFactor: 0.5,
    });
    this.socket.on(STORM_EVENT, (data: { text: string }) => this.tracker.event(data.text));
    // Missed packets are replayed right after `connect`, so `recovered` is known first.
    this.socket.on('connect', () => this.tracker.reopen(this.socket.recovered));
  }

  get connected(): boolean {
    return this.socket.connected;
  }
  get caughtUpAt(): number | undefined {
    return this.tracker.caughtUpAt;
  }
  get recovered(): boolean | undefined {
    return this.tracker.recovered;
  }
  get duplicates(): number {
    return this.tracker.duplicates;
  }
  arm(missed: number): void {
    this.tracker.arm(missed);
  }
  close(): void {
    this.socket.close();
  }
}

/** Opens one storm client of `contender`'s library. */
export function openStormClient(contender: StormContender, port: number): StormClient {
  return contender === 'forge' ? new ForgeStormClient(port) : new SocketIoStormClient(port);
}
