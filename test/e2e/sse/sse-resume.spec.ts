import 'reflect-metadata';
import {
  Controller,
  Injectable,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NEVER, concat, from, map } from 'rxjs';
import { InMemoryHistoryStore } from '../../../src/adapters/in-memory/in-memory-history.store.js';
import { InMemoryStreamingAdapter } from '../../../src/adapters/in-memory/in-memory-streaming.adapter.js';
import { forUser, onRoute } from '../../../src/registry/connection-filters.js';
import { StreamEvent } from '../../../src/connection/stream-event.js';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import type { HandshakeRequest, SseContext } from '../../../src/interfaces/connection.interface.js';
import type {
  SseAudience,
  SseHistoryStore,
  SseReplay,
} from '../../../src/interfaces/streaming-adapter.interface.js';
import { createStreamingTestApp } from '../../../src/testing/streaming-test-app.js';
import { SseTestRequest, type ReceivedSseEvent } from '../../../src/testing/sse-test-request.js';
import { SSE_RESET_EVENT } from '../../../src/wire/sse.codec.js';
import { waitFor } from '../../support/wait-for.js';
import { PLATFORMS, baseUrl, openEventSource } from './sse-test-support.js';

@Injectable()
class HeaderUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HandshakeRequest>();
    const user = request.headers['x-user'];
    if (typeof user !== 'string') return false;
    request.user = { sub: user };
    return true;
  }
}

@Controller()
class ResumeController {
  @SseRoute('feed', { retryInterval: 50 })
  feed() {
    return NEVER;
  }

  @SseRoute('counter')
  counter(ctx: SseContext) {
    if (ctx.lastEventId !== undefined) return NEVER;
    return concat(from([1, 2, 3, 4, 5]).pipe(map((n) => ({ event: 'count', data: n }))), NEVER);
  }

  @SseRoute('imperative')
  async imperative(ctx: SseContext): Promise<void> {
    ctx.keepOpen();
    if (ctx.lastEventId !== undefined) return;
    for (let n = 1; n <= 4; n += 1) await ctx.writeSSE('step', String(n));
  }

  @SseRoute('small', { historySize: 2 })
  small() {
    return NEVER;
  }

  @SseRoute('inbox')
  @UseGuards(HeaderUserGuard)
  inbox(ctx: SseContext) {
    if (ctx.lastEventId !== undefined) return NEVER;
    return concat(
      from(['private-1', 'private-2']).pipe(map((text) => ({ event: 'private', data: text }))),
      NEVER,
    );
  }
}

/** The real in-memory store, with a gate in front of `replay` (to interleave live events). */
class GatedReplayStore implements SseHistoryStore {
  readonly inner = new InMemoryHistoryStore();
  gate: Promise<void> | undefined;
  replayCalls = 0;

  constructor(private readonly snapshotFirst: boolean) {}

  append(route: string, body: string, audience: SseAudience, maxLength: number): Promise<string> {
    return this.inner.append(route, body, audience, maxLength);
  }

  async replay(route: string, lastEventId: string): Promise<SseReplay> {
    this.replayCalls += 1;
    if (this.snapshotFirst) {
      const result = await this.inner.replay(route, lastEventId);
      await this.gate;
      return result;
    }
    await this.gate;
    return this.inner.replay(route, lastEventId);
  }

  lastId(route: string): Promise<string | undefined> {
    return this.inner.lastId(route);
  }
}

class GatedAdapter extends InMemoryStreamingAdapter {
  override readonly history: GatedReplayStore;
  constructor(snapshotFirst: boolean) {
    super();
    this.history = new GatedReplayStore(snapshotFirst);
  }
}

function news(n: number): StreamEvent<string> {
  return new StreamEvent('news', `n${n}`);
}

function dataOf(events: readonly ReceivedSseEvent[]): string[] {
  return events.map((e) => e.data);
}

for (const platform of PLATFORMS) {
  describe(`SSE resume (${platform})`, () => {
    test('a killed stream reconnects with Last-Event-ID and gets exactly the broadcasts it missed (eventsource client)', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ResumeController] });
      let fetches = 0;
      let openGate: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const gatedFetch = async (url: string | URL, init?: RequestInit) => {
        fetches += 1;
        if (fetches > 1) await gate;
        return fetch(url, init);
      };
      const { source, events } = openEventSource(`${baseUrl(app)}/feed`, ['news'], {
        fetch: gatedFetch,
      });
      try {
        await waitFor(() => app.manager.connections(onRoute('/feed')).length === 1, 'a stream');
        await app.manager.broadcast(news(1));
        await app.manager.broadcast(news(2));
        await waitFor(() => events.length === 2, 'two live events');
        const [conn] = app.manager.connections(onRoute('/feed'));
        await app.manager.disconnect(conn.id);
        await waitFor(() => fetches >= 2, 'the client to try to reconnect');
        await app.manager.broadcast(news(3));
        await app.manager.broadcast(news(4));
        openGate();
        await waitFor(() => events.length === 4, 'the missed events');
        await app.manager.broadcast(news(5));
        await waitFor(() => events.length === 5, 'the next live event');
        assert.deepEqual(
          events.map((e) => e.data),
          ['n1', 'n2', 'n3', 'n4', 'n5'],
        );
        assert.equal(new Set(events.map((e) => e.lastEventId)).size, 5);
      } finally {
        source.close();
        await app.close();
      }
    });

    test('an Observable stream resumed with ?lastEventId= gets exactly the events after it (eventsource client)', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ResumeController] });
      try {
        const first = new SseTestRequest(baseUrl(app), '/counter');
        const seen = await first.collect(2);
        await first.close();
        assert.deepEqual(dataOf(seen), ['1', '2']);
        const url = `${baseUrl(app)}/counter?lastEventId=${encodeURIComponent(seen[1].id!)}`;
        const { source, events } = openEventSource(url, ['count']);
        try {
          await waitFor(() => events.length >= 3, 'the missed events');
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.deepEqual(
            events.map((e) => e.data),
            ['3', '4', '5'],
          );
        } finally {
          source.close();
        }
      } finally {
        await app.close();
      }
    });

    test('an imperative stream resumed with the Last-Event-ID header gets the events after it', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ResumeController] });
      try {
        const first = new SseTestRequest(baseUrl(app), '/imperative');
        const seen = await first.collect(1);
        await first.close();
        const resumed = new SseTestRequest(baseUrl(app), '/imperative', {
          lastEventId: seen[0].id,
        });
        const missed = await resumed.collect(3);
        await resumed.close();
        assert.deepEqual(dataOf(missed), ['2', '3', '4']);
      } finally {
        await app.close();
      }
    });

    test('a Last-Event-ID older than the history gets one stream-reset event, then live events', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ResumeController] });
      try {
        await app.manager.broadcast(news(1), onRoute('/small'));
        const probe = new SseTestRequest(baseUrl(app), '/small');
        await probe.expectStatus(200);
        await waitFor(() => app.manager.connections(onRoute('/small')).length === 1, 'a stream');
        await app.manager.broadcast(news(2), onRoute('/small'));
        const [first] = await probe.collect(1);
        await probe.close();
        for (let n = 3; n <= 6; n += 1) await app.manager.broadcast(news(n), onRoute('/small'));
        const resumed = new SseTestRequest(baseUrl(app), '/small', { lastEventId: first.id });
        const [reset] = await resumed.collect(1);
        assert.equal(reset.event, SSE_RESET_EVENT);
        assert.deepEqual(JSON.parse(reset.data), { reason: 'history-gap', lastEventId: first.id });
        assert.ok(reset.id !== undefined && reset.id !== first.id);
        await waitFor(() => app.manager.connections(onRoute('/small')).length === 1, 'a stream');
        await app.manager.broadcast(news(7), onRoute('/small'));
        await resumed.expectEvent('news', 'n7').close();
        const unknown = new SseTestRequest(baseUrl(app), '/small', { lastEventId: 'no-such-id' });
        await unknown.expectEvent(SSE_RESET_EVENT).close();
      } finally {
        await app.close();
      }
    });

    test('a resumed stream never replays another user’s events', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ResumeController] });
      try {
        const alice = new SseTestRequest(baseUrl(app), '/inbox', {
          headers: { 'x-user': 'alice' },
        });
        const alicePrivate = await alice.collect(2);
        await waitFor(() => app.manager.connections(onRoute('/inbox')).length === 1, 'a stream');
        await app.manager.broadcast(new StreamEvent('note', 'for-alice'), forUser('alice'));
        await app.manager.broadcast(new StreamEvent('note', 'for-bob'), forUser('bob'));
        await app.manager.broadcast(new StreamEvent('note', 'for-all'));
        await alice.expectEvent('note', 'for-alice').expectEvent('note', 'for-all').close();
        // Bob presents the id of Alice's first private event.
        const bob = new SseTestRequest(baseUrl(app), '/inbox', {
          headers: { 'x-user': 'bob' },
          lastEventId: alicePrivate[0].id,
        });
        const replayed = await bob.collect(2);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepEqual(dataOf(replayed), ['for-bob', 'for-all']);
        assert.deepEqual(dataOf(bob.received), ['for-bob', 'for-all']);
        await bob.close();
      } finally {
        await app.close();
      }
    });

    for (const snapshotFirst of [false, true]) {
      test(`live events during a replay are neither lost, duplicated nor reordered (${snapshotFirst ? 'history read before' : 'history read after'} they arrive)`, async () => {
        const adapter = new GatedAdapter(snapshotFirst);
        const app = await createStreamingTestApp({
          platform,
          controllers: [ResumeController],
          config: { adapter },
        });
        try {
          const feed = onRoute('/feed');
          await app.manager.broadcast(news(1), feed);
          const idOfFirst = await adapter.history.lastId('/feed');
          await app.manager.broadcast(news(2), feed);
          let openGate: () => void = () => undefined;
          adapter.history.gate = new Promise<void>((resolve) => (openGate = resolve));
          const client = new SseTestRequest(baseUrl(app), '/feed', { lastEventId: idOfFirst });
          await client.expectStatus(200);
          await waitFor(() => adapter.history.replayCalls === 1, 'the replay to start');
          await waitFor(() => app.manager.connections(feed).length === 1, 'the stream registered');
          await app.manager.broadcast(news(3), feed);
          await app.manager.broadcast(news(4), feed);
          openGate();
          await app.manager.broadcast(news(5), feed);
          const events = await client.collect(4);
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.deepEqual(dataOf(client.received), ['n2', 'n3', 'n4', 'n5']);
          assert.deepEqual(dataOf(events), ['n2', 'n3', 'n4', 'n5']);
          await client.close();
        } finally {
          await app.close();
        }
      });
    }
  });
}
