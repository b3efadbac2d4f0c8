import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { NEVER, interval, map, take } from 'rxjs';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import type { SseContext, SseEvent } from '../../../src/interfaces/connection.interface.js';
import { createStreamingTestApp } from '../../../src/testing/streaming-test-app.js';
import { SseTestRequest } from '../../../src/testing/sse-test-request.js';
import { SseFieldError } from '../../../src/errors/sse-field.error.js';
import { waitFor } from '../../support/wait-for.js';
import { PLATFORMS, baseUrl, openEventSource } from './sse-test-support.js';

const injectionResults: string[] = [];
const slowRetryOpenedAt: number[] = [];
const slowRetryEndedAt: number[] = [];

@Controller()
class ProtocolController {
  @SseRoute('named')
  named(ctx: SseContext): void {
    void ctx.writeSSE('greeting', 'hello');
    void ctx.writeSSE('json', { a: 1, text: 'two\nlines' });
    void ctx.writeSSE(undefined, 'plain');
    ctx.keepOpen();
  }

  @SseRoute('observable')
  observable() {
    return interval(5).pipe(
      take(3),
      map((n): SseEvent => ({ event: 'tick', data: { n } })),
    );
  }

  @SseRoute('ends', { retryInterval: 150 })
  ends(ctx: SseContext): Promise<void> {
    return ctx.writeSSE('once', ctx.lastEventId ?? 'first');
  }

  @SseRoute('ends-slowly', { retryInterval: 3_600 })
  async endsSlowly(ctx: SseContext): Promise<void> {
    slowRetryOpenedAt.push(Date.now());
    void ctx.closed.then(() => slowRetryEndedAt.push(Date.now()));
    await ctx.writeSSE('once', 'x');
  }

  @SseRoute('headers', { headers: { 'Access-Control-Allow-Origin': '*' } })
  headers(ctx: SseContext) {
    ctx.setHeader('X-Custom', 'yes');
    return NEVER;
  }

  @SseRoute('heartbeat', { heartbeatInterval: 30 })
  heartbeat() {
    return NEVER;
  }

  @SseRoute('inject')
  async inject(ctx: SseContext): Promise<void> {
    for (const attempt of [
      () => ctx.writeSSE('evil\ndata: injected', 'x'),
      () => ctx.writeSSE('ok', 'x', { id: '1\r\nevent: injected' }),
      () => ctx.writeSSE('ok', 'x', { id: 'nul\0' }),
    ]) {
      try {
        await attempt();
        injectionResults.push('accepted');
      } catch (error) {
        injectionResults.push(error instanceof SseFieldError ? 'refused' : 'other');
      }
    }
    await ctx.writeSSE('after', 'safe');
    ctx.keepOpen();
  }

  @Get('plain')
  plain(): { ok: boolean } {
    return { ok: true };
  }
}

for (const platform of PLATFORMS) {
  describe(`SSE protocol (${platform})`, () => {
    test('events arrive with their names, data and an id on every event (eventsource client)', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ProtocolController] });
      const { source, events } = openEventSource(`${baseUrl(app)}/named`, [
        'greeting',
        'json',
        'message',
      ]);
      try {
        await waitFor(() => events.length >= 3, 'three events');
        assert.deepEqual(
          events.map((e) => [e.type, e.data]),
          [
            ['greeting', 'hello'],
            ['json', JSON.stringify({ a: 1, text: 'two\nlines' })],
            ['message', 'plain'],
          ],
        );
        for (const event of events) assert.notEqual(event.lastEventId, '');
        assert.equal(new Set(events.map((e) => e.lastEventId)).size, 3);
      } finally {
        source.close();
        await app.close();
      }
    });

    test('the response has the SSE headers, retry first, route headers and ctx.setHeader', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ProtocolController] });
      const client = new SseTestRequest(baseUrl(app), '/headers');
      try {
        await client
          .expectStatus(200)
          .expectHeader('content-type', 'text/event-stream')
          .expectHeader('cache-control', /no-cache/)
          .expectHeader('x-accel-buffering', 'no')
          .expectHeader('access-control-allow-origin', '*')
          .expectHeader('x-custom', 'yes');
        if (platform === 'express') await client.expectHeader('connection', 'keep-alive');
        await waitFor(() => client.retry !== undefined, 'the retry field');
        assert.equal(client.retry, 3000);
      } finally {
        await client.close();
        await app.close();
      }
    });

    test('an Observable handler streams its emissions then ends the stream', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ProtocolController] });
      try {
        const events = await new SseTestRequest(baseUrl(app), '/observable').events();
        assert.deepEqual(
          events.map((e) => [e.event, JSON.parse(e.data)]),
          [
            ['tick', { n: 0 }],
            ['tick', { n: 1 }],
            ['tick', { n: 2 }],
          ],
        );
        assert.ok(events.every((e) => e.id !== undefined));
      } finally {
        await app.close();
      }
    });

    test('the client honours retry: it reconnects after the stream ends, with Last-Event-ID', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ProtocolController] });
      const { source, events, opens } = openEventSource(`${baseUrl(app)}/ends`, ['once']);
      try {
        await waitFor(() => events.length >= 2 && opens() >= 2, 'a reconnection');
        assert.equal(events[0].data, 'first');
        assert.equal(events[1].data, events[0].lastEventId);
      } finally {
        source.close();
        await app.close();
      }
    });

    test('the client waits the retry interval the server sent before reconnecting', async () => {
      slowRetryOpenedAt.length = 0;
      slowRetryEndedAt.length = 0;
      const app = await createStreamingTestApp({ platform, controllers: [ProtocolController] });
      const { source, opens } = openEventSource(`${baseUrl(app)}/ends-slowly`, ['once']);
      try {
        await waitFor(() => opens() >= 2, 'a reconnection', 15_000);
        // The eventsource default is 3 000 ms: a client ignoring `retry: 3600` reconnects sooner.
        assert.ok(
          slowRetryOpenedAt[1] - slowRetryEndedAt[0] >= 3_300,
          `reconnected after ${slowRetryOpenedAt[1] - slowRetryEndedAt[0]} ms`,
        );
      } finally {
        source.close();
        await app.close();
      }
    });

    test('heartbeat comments are written every heartbeatInterval', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ProtocolController] });
      const client = new SseTestRequest(baseUrl(app), '/heartbeat');
      try {
        await client.expectStatus(200);
        await waitFor(() => client.comments.length >= 2, 'two heartbeat comments');
      } finally {
        await client.close();
        await app.close();
      }
    });

    test('CR, LF or NUL in event or id is refused and nothing is written', async () => {
      injectionResults.length = 0;
      const app = await createStreamingTestApp({ platform, controllers: [ProtocolController] });
      const client = new SseTestRequest(baseUrl(app), '/inject');
      try {
        await client.expectStatus(200).expectEvent('after', 'safe');
        assert.deepEqual(injectionResults, ['refused', 'refused', 'refused']);
        assert.deepEqual(
          client.received.map((e) => e.event),
          ['after'],
        );
      } finally {
        await client.close();
        await app.close();
      }
    });

    test('a non-SSE request on the same server is served by the framework untouched', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [ProtocolController] });
      try {
        const response = await fetch(`${baseUrl(app)}/plain`);
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { ok: true });
        const post = await new Promise<number>((resolve, reject) => {
          const req = request(`${baseUrl(app)}/named`, { method: 'POST' }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
        assert.equal(post, 404);
      } finally {
        await app.close();
      }
    });
  });
}
