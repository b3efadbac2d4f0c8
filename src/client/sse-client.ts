import { Backoff, resolveReconnect, type ReconnectOptions } from './backoff.js';
import { systemClock, type ClientClock } from './client-clock.js';
import {
  findEventSource,
  sseRefusalStatus,
  type EventSourceConstructor,
  type EventSourceLike,
  type SseMessageEventLike,
} from './event-source-like.js';
import type { StreamingClientState } from './streaming-client.js';
import { afterRefusal } from './refusal-policy.js';

/** Options of {@link createSseClient}. */
export interface SseClientOptions {
  /** Reconnect policy, the same as the streaming client's (`false`: never reconnect). */
  reconnect?: ReconnectOptions | boolean;
  /** A token per connection attempt, sent as `?access_token=`. */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Resume from this event id on the first connection (then from the last event received). */
  lastEventId?: string;
  /** Send cookies cross-origin (`EventSource`'s `withCredentials`). Default false. */
  withCredentials?: boolean;
  /** The EventSource constructor. Default the global one, else npm `eventsource` in Node. */
  EventSource?: EventSourceConstructor;
  /** Timers (tests). Default the real clock. */
  clock?: ClientClock;
  /** Random source of the backoff jitter (tests). Default `Math.random`. */
  random?: () => number;
}

/** What the server said when it could not replay every missed event (`stream-reset`). */
export interface SseResetData {
  /** `history-gap` (the events after `lastEventId` are gone), or a cluster store's reason. */
  readonly reason: string;
  /** The id the client resumed from, for a `history-gap`. */
  readonly lastEventId?: string;
}

/** What an event listener gets besides the data. */
export interface SseEventMeta {
  /** The SSE event name (`message` for unnamed events). */
  readonly event: string;
  /** The event's id (empty when it has none). */
  readonly id: string;
  /** The `data` text as sent. */
  readonly raw: string;
}

/** The helper's own events besides the server's. */
export interface SseClientEvents {
  state: StreamingClientState;
  /** Missed events could not all be replayed: resynchronize the application's state. */
  reset: SseResetData;
  /** The server's `error` event (a handler failed; the stream then ends and reconnects). */
  error: unknown;
}

type SseListener = (data: unknown, meta: SseEventMeta) => void;

/**
 * The event the server sends when it cannot replay what a client missed (the server's
 * `SSE_RESET_EVENT`; spelled here so that the browser build does not load the server's codec).
 */
export const SSE_RESET_EVENT_NAME = 'stream-reset';

/** Names the helper listens for itself rather than on the stream. */
const HELPER_EVENTS = new Set(['state', 'reset', 'error']);

/**
 * A reconnecting Server-Sent Events client (browser and Node). `EventSource` reconnects on its
 * own at the server's `retry` pace; this helper takes that over: on every drop it closes the
 * source and opens a new one after a full-jitter backoff (the streaming client's policy),
 * resuming with `?lastEventId=` (browsers cannot set the `Last-Event-ID` header on a new
 * source). It stops on 4xx refusals where the platform tells the status (npm `eventsource`;
 * after asking `getToken` once more on 401/403), reports `connecting`/`open`/`reconnecting`/
 * `closed`, and turns the server's `stream-reset` into a `reset` event. Data that parses as JSON
 * is handed over parsed, other data as text.
 */
export class SseClient {
  private source: EventSourceLike | undefined;
  private attached = new Set<string>();
  private currentState: StreamingClientState = 'connecting';
  private readonly listeners = new Map<string, Set<SseListener>>();
  private readonly backoff: Backoff;
  private readonly clock: ClientClock;
  private lastId: string | undefined;
  private retryTimer: unknown;
  private stableTimer: unknown;
  private authRetried = false;

  constructor(
    readonly url: string,
    private readonly options: SseClientOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.backoff = new Backoff(resolveReconnect(options.reconnect), options.random);
    this.lastId = options.lastEventId;
    void this.connect();
  }

  /** The current state. */
  get state(): StreamingClientState {
    return this.currentState;
  }

  /** The id of the newest event received (what a reconnect resumes from). */
  get lastEventId(): string | undefined {
    return this.lastId;
  }

  /** Listens to a server event by name (`message` for unnamed ones), or `state`, `reset`, `error`. */
  on(event: string, listener: (data: never, meta: SseEventMeta) => void): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as SseListener);
    if (this.source) this.attach(this.source, event);
    return this;
  }

  /** Removes a listener. */
  off(event: string, listener: (data: never, meta: SseEventMeta) => void): this {
    this.listeners.get(event)?.delete(listener as SseListener);
    return this;
  }

  /** Closes for good: no reconnect. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.clock.clear(this.retryTimer);
    this.clock.clear(this.stableTimer);
    this.source?.close();
    this.source = undefined;
    this.setState('closed');
  }

  private async connect(): Promise<void> {
    let Ctor: EventSourceConstructor;
    let token: string | undefined;
    try {
      Ctor = this.options.EventSource ?? (await findEventSource());
      token = await this.options.getToken?.();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.currentState === 'closed') return;
    const target = new URL(this.url);
    if (token) target.searchParams.set('access_token', token);
    if (this.lastId !== undefined) target.searchParams.set('lastEventId', this.lastId);
    const source = new Ctor(target.toString(), { withCredentials: this.options.withCredentials });
    this.source = source;
    this.attached = new Set();
    source.onopen = () => this.opened(source);
    source.onerror = (event) => this.failed(source, event);
    this.attach(source, SSE_RESET_EVENT_NAME);
    for (const name of this.listeners.keys()) this.attach(source, name);
  }

  private attach(source: EventSourceLike, name: string): void {
    if (HELPER_EVENTS.has(name) || this.attached.has(name)) return;
    this.attached.add(name);
    source.addEventListener(name, (event) => this.received(source, name, event));
  }

  private opened(source: EventSourceLike): void {
    if (source !== this.source) return;
    this.authRetried = false;
    this.setState('open');
    this.clock.clear(this.stableTimer);
    this.stableTimer = this.clock.set(
      () => this.backoff.reset(),
      resolveReconnect(this.options.reconnect).stableAfterMs,
    );
  }

  private received(source: EventSourceLike, name: string, event: SseMessageEventLike): void {
    if (source !== this.source) return;
    if (event.lastEventId) this.lastId = event.lastEventId;
    const raw = typeof event.data === 'string' ? event.data : '';
    const data = parsedOrText(raw);
    if (name === SSE_RESET_EVENT_NAME) {
      this.notify('reset', data, { event: name, id: event.lastEventId ?? '', raw });
      return;
    }
    this.notify(name, data, { event: name, id: event.lastEventId ?? '', raw });
  }

  private failed(source: EventSourceLike, event: unknown): void {
    if (source !== this.source) return;
    const data = (event as { data?: unknown } | undefined)?.data;
    if (typeof data === 'string') {
      // The server's own `error` event (a message event named "error"), not a failure yet.
      if ((event as SseMessageEventLike).lastEventId) {
        this.lastId = (event as SseMessageEventLike).lastEventId;
      }
      this.notify('error', parsedOrText(data), { event: 'error', id: '', raw: data });
      return;
    }
    // The source would reconnect on its own schedule: take that over.
    source.close();
    this.source = undefined;
    this.clock.clear(this.stableTimer);
    if (this.currentState === 'closed') return;
    const next = afterRefusal(sseRefusalStatus(event), this.authRetried, !!this.options.getToken);
    if (next === 'stop') {
      this.close();
      return;
    }
    if (next === 'refresh-and-retry') this.authRetried = true;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.currentState === 'closed') return;
    if (!resolveReconnect(this.options.reconnect).enabled) {
      this.close();
      return;
    }
    this.setState('reconnecting');
    this.retryTimer = this.clock.set(() => void this.connect(), this.backoff.next());
  }

  private setState(state: StreamingClientState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.notify('state', state, { event: 'state', id: '', raw: '' });
  }

  private notify(event: string, data: unknown, meta: SseEventMeta): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(data, meta);
      } catch {
        // a listener's error must not break the client
      }
    }
  }
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Creates an {@link SseClient} and starts connecting. */
export function createSseClient(url: string, options: SseClientOptions = {}): SseClient {
  return new SseClient(url, options);
}
