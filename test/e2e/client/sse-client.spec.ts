import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Controller, UseGuards, type CanActivate } from '@nestjs/common';
import { EventSource } from 'eventsource';
import { NEVER } from 'rxjs';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import { StreamEvent } from '../../../src/connection/stream-event.js';
import { onRoute } from '../../../src/registry/connection-filters.js';
import {
  createStreamingTestApp,
  type StreamingTestApp,
} from '../../../src/testing/streaming-test-app.js';
import {
  createSseClient,
  type EventSourceConstructor,
  type SseClient,
  type SseClientOptions,
  type SseEventMeta,
  type SseResetData,
} from '../../../src/client/index.js';
import { SSE_RESET_EVENT_NAME } from '../../../src/client/sse-client.js';
import { SSE_RESET_EVENT } from '../../../src/wire/sse.codec.js';
import { ManualClock } from '../../unit/client/manual-clock.js';
import { baseUrl } from '../sse/sse-test-support.js';
import { delay, waitFor } from '../../support/wait-for.js';

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Controller()
class FeedController {
  @SseRoute('feed')
  feed() {
    return NEVER;
  }

  @SseRoute('small', { historySize: 2 })
  small() {
    return NEVER;
  }

  @SseRoute('denied')
  @UseGuards(DenyGuard)
  denied() {
    return NEVER;
  }
}

let app: StreamingTestApp;
const clients: SseClient[] = [];

function open(path: string, clock: ManualClock, options: SseClientOptions = {}): SseClient {
  const client = createSseClient(`${baseUrl(app)}${path}`, {
    EventSource: EventSource as unknown as EventSourceConstructor,
    clock,
    random: () => 0.5,
    reconnect: { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 10_000 },
    ...options,
  });
  clients.push(client);
  return client;
}

function streams(route: string): number {
  return app.manager.connections(onRoute(route)).length;
}

async function cut(route: string): Promise<void> {
  for (const conn of app.manager.connections(onRoute(route))) {
    await app.manager.disconnect(conn.id);
  }
}

function news(n: number): StreamEvent<string> {
  return new StreamEvent('news', `n${n}`);
}

before(async () => {
  app = await createStreamingTestApp({ controllers: [FeedController] });
});

after(async () => {
  for (const client of clients) client.close();
  await app?.close();
});

describe('createSseClient over real SSE (npm eventsource), with an injected clock', () => {
  test('the reset event name is the server’s', () => {
    assert.equal(SSE_RESET_EVENT_NAME, SSE_RESET_EVENT);
  });

  test('a server-side disconnect: reconnects after the backoff delay, resumes with Last-Event-ID and gets the missed events once', async () => {
    const clock = new ManualClock();
    const client = open('/feed', clock);
    const states: string[] = [];
    const seen: { data: unknown; meta: SseEventMeta }[] = [];
    client.on('state', (state: string) => states.push(state));
    client.on('news', (data: unknown, meta) => seen.push({ data, meta }));
    await waitFor(() => client.state === 'open' && streams('/feed') === 1, 'open');
    await app.manager.broadcast(news(1), onRoute('/feed'));
    await app.manager.broadcast(news(2), onRoute('/feed'));
    await waitFor(() => seen.length === 2, 'two live events');
    assert.equal(client.lastEventId, seen[1].meta.id);

    await cut('/feed');
    await waitFor(() => client.state === 'reconnecting', 'reconnecting');
    // full jitter with random 0.5: half of the first bound (1 000 ms)
    assert.deepEqual(clock.pending(), [500]);
    await app.manager.broadcast(news(3), onRoute('/feed'));
    await app.manager.broadcast(news(4), onRoute('/feed'));
    await delay(100);
    assert.equal(streams('/feed'), 0, 'no reconnect before the backoff delay');
    clock.advance(499);
    await delay(50);
    assert.equal(streams('/feed'), 0, 'still none 1 ms before the delay');
    clock.advance(1);
    await waitFor(() => client.state === 'open', 'reopened');
    await waitFor(() => seen.length === 4, 'the missed events');
    await app.manager.broadcast(news(5), onRoute('/feed'));
    await waitFor(() => seen.length === 5, 'the next live event');
    assert.deepEqual(
      seen.map((event) => event.data),
      ['n1', 'n2', 'n3', 'n4', 'n5'],
    );
    assert.equal(new Set(seen.map((event) => event.meta.id)).size, 5, 'five distinct ids');
    assert.deepEqual(states, ['open', 'reconnecting', 'open']);

    // a second drop before the connection was stable: the bound doubled (2 000 → 1 000 ms)
    await cut('/feed');
    await waitFor(() => client.state === 'reconnecting', 'reconnecting again');
    assert.ok(clock.pending().includes(1_000), `pending ${clock.pending().join(',')}`);
    clock.advance(1_000);
    await waitFor(() => client.state === 'open', 'reopened again');
    // open for stableAfterMs: the backoff starts again from the first bound
    clock.advance(10_000);
    await cut('/feed');
    await waitFor(() => client.state === 'reconnecting', 'reconnecting a third time');
    assert.ok(clock.pending().includes(500), `pending ${clock.pending().join(',')}`);
    client.close();
  });

  test('missed events no longer held: a reset event, then live events', async () => {
    const clock = new ManualClock();
    const client = open('/small', clock);
    const seen: unknown[] = [];
    const resets: SseResetData[] = [];
    client.on('news', (data: unknown) => seen.push(data));
    client.on('reset', (data: SseResetData) => resets.push(data));
    await waitFor(() => client.state === 'open' && streams('/small') === 1, 'open');
    await app.manager.broadcast(news(1), onRoute('/small'));
    await waitFor(() => seen.length === 1, 'the first event');
    const resumedFrom = client.lastEventId;
    await cut('/small');
    await waitFor(() => client.state === 'reconnecting', 'reconnecting');
    for (const n of [2, 3, 4]) await app.manager.broadcast(news(n), onRoute('/small'));
    clock.advance(500);
    await waitFor(() => resets.length === 1, 'the reset event');
    assert.deepEqual(resets, [{ reason: 'history-gap', lastEventId: resumedFrom }]);
    assert.deepEqual(seen, ['n1'], 'no partial replay across the gap');
    await waitFor(() => streams('/small') === 1, 'the new stream');
    await app.manager.broadcast(news(5), onRoute('/small'));
    await waitFor(() => seen.length === 2, 'a live event after the reset');
    assert.deepEqual(seen, ['n1', 'n5']);
    client.close();
  });

  test('close(): the stream ends, the state is closed, and no reconnect follows', async () => {
    const clock = new ManualClock();
    const client = open('/feed', clock);
    const states: string[] = [];
    client.on('state', (state: string) => states.push(state));
    await waitFor(() => client.state === 'open' && streams('/feed') === 1, 'open');
    client.close();
    await waitFor(() => streams('/feed') === 0, 'the server sees the stream end');
    clock.advance(60_000);
    await delay(100);
    assert.equal(streams('/feed'), 0);
    assert.deepEqual(states, ['open', 'closed']);
    client.close();
    assert.deepEqual(states, ['open', 'closed'], 'a second close() does nothing');
  });

  test('close() while waiting to reconnect cancels the reconnect', async () => {
    const clock = new ManualClock();
    const client = open('/feed', clock);
    await waitFor(() => client.state === 'open' && streams('/feed') === 1, 'open');
    await cut('/feed');
    await waitFor(() => client.state === 'reconnecting', 'reconnecting');
    client.close();
    assert.deepEqual(clock.pending(), []);
    clock.advance(60_000);
    await delay(100);
    assert.equal(streams('/feed'), 0);
  });

  test('a 403 refusal closes the client without reconnecting', async () => {
    const clock = new ManualClock();
    const client = open('/denied', clock);
    const states: string[] = [];
    client.on('state', (state: string) => states.push(state));
    await waitFor(() => client.state === 'closed', 'closed');
    assert.deepEqual(states, ['closed']);
    assert.deepEqual(clock.pending(), []);
  });

  test('an unreachable server: delays grow by the factor up to the cap', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const clock = new ManualClock();
    const client = createSseClient(`http://127.0.0.1:${port}/feed`, {
      EventSource: EventSource as unknown as EventSourceConstructor,
      clock,
      random: () => 0.999,
      reconnect: { initialDelayMs: 500, maxDelayMs: 1_500 },
    });
    clients.push(client);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await waitFor(() => clock.pending().length === 1, `retry ${attempt} scheduled`);
      const [next] = clock.pending();
      delays.push(next);
      clock.advance(next);
    }
    assert.deepEqual(delays, [499, 999, 1_498, 1_498]);
    assert.equal(client.state, 'reconnecting');
    client.close();
    assert.equal(client.state, 'closed');
  });
});
