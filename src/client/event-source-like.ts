/** An event as an `EventSource` delivers it. */
export interface SseMessageEventLike {
  readonly type: string;
  readonly data?: unknown;
  readonly lastEventId?: string;
}

/** The part of the WHATWG `EventSource` the SSE client uses (browsers, or npm `eventsource`). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  addEventListener(type: string, listener: (event: SseMessageEventLike) => void): void;
  close(): void;
}

/** An `EventSource` constructor (`globalThis.EventSource`, or npm `eventsource`'s in Node). */
export type EventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean },
) => EventSourceLike;

/** The EventSource of this platform: the global one, else the `eventsource` package (Node). */
export async function findEventSource(): Promise<EventSourceConstructor> {
  const global = (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
  if (global) return global;
  const name = 'eventsource';
  const loaded = (await import(/* @vite-ignore */ name)) as { EventSource: EventSourceConstructor };
  return loaded.EventSource;
}

/** The HTTP status of a refused stream, when the platform tells it (npm `eventsource` does). */
export function sseRefusalStatus(event: unknown): number | undefined {
  const code = (event as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}
