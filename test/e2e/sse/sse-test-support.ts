import type { AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import type { StreamingTestApp, TestPlatform } from '../../../src/testing/streaming-test-app.js';

/** Both Nest HTTP platforms every SSE e2e test runs on. */
export const PLATFORMS: readonly TestPlatform[] = ['express', 'fastify'];

/** An event as an `EventSource` delivered it. */
export interface SourceEvent {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

/**
 * Opens an `EventSource` (npm `eventsource`) and records every event of the given names, plus
 * the number of times the connection opened.
 */
export function openEventSource(
  url: string,
  names: readonly string[],
  init: ConstructorParameters<typeof EventSource>[1] = {},
): { source: EventSource; events: SourceEvent[]; opens: () => number; errors: () => number } {
  const source = new EventSource(url, init);
  const events: SourceEvent[] = [];
  let opens = 0;
  let errors = 0;
  source.addEventListener('open', () => (opens += 1));
  source.addEventListener('error', () => (errors += 1));
  for (const name of names) {
    source.addEventListener(name, (event) => {
      events.push({ type: event.type, data: event.data, lastEventId: event.lastEventId });
    });
  }
  return { source, events, opens: () => opens, errors: () => errors };
}

/** The base URL of a test app. */
export function baseUrl(app: StreamingTestApp): string {
  const address = app.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}
