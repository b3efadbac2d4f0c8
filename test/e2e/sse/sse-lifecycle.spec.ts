import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { NEVER, Observable } from 'rxjs';
import { onRoute } from '../../../src/registry/connection-filters.js';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import type { SseContext } from '../../../src/interfaces/connection.interface.js';
import { createStreamingTestApp } from '../../../src/testing/streaming-test-app.js';
import { SseTestRequest } from '../../../src/testing/sse-test-request.js';
import { waitFor } from '../../support/wait-for.js';
import { PLATFORMS, baseUrl } from './sse-test-support.js';

const probe = { teardowns: 0, aborts: 0, firehoseDone: 0, maxBuffered: 0 };
const CHUNK = 'x'.repeat(16 * 1024);
const BUFFER = 64 * 1024;

interface Buffered {
  readonly bufferedAmount: number;
}

@Controller()
class LifecycleController {
  @SseRoute('observed')
  observed(ctx: SseContext) {
    ctx.join('watchers');
    return new Observable<string>((subscriber) => {
      subscriber.next('subscribed');
      return () => {
        probe.teardowns += 1;
      };
    });
  }

  @SseRoute('imperative')
  async imperative(ctx: SseContext): Promise<void> {
    await ctx.writeSSE('ready', 'yes');
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    probe.aborts += 1;
  }

  @SseRoute('firehose', { bufferSize: BUFFER, slowConsumer: 'drop-newest', historySize: 0 })
  async firehose(ctx: SseContext): Promise<void> {
    ctx.keepOpen();
    const conn = ctx as unknown as Buffered;
    for (let i = 0; i < 3_000 && !ctx.isClosed; i += 1) {
      await ctx.writeSSE('big', CHUNK, { id: String(i) });
      probe.maxBuffered = Math.max(probe.maxBuffered, conn.bufferedAmount);
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    probe.firehoseDone += 1;
  }

  @SseRoute('strict', { bufferSize: BUFFER, slowConsumer: 'disconnect', historySize: 0 })
  async strict(ctx: SseContext): Promise<void> {
    for (let i = 0; i < 3_000 && !ctx.isClosed; i += 1) {
      await ctx.writeSSE('big', CHUNK, { id: String(i) }).catch(() => undefined);
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  @SseRoute('forever')
  forever() {
    return NEVER;
  }
}

/** Opens a request and stops reading its body (a slow reader). */
function openPaused(url: string): Promise<{ res: IncomingMessage; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.pause();
      resolve({
        res,
        destroy: () => {
          res.destroy();
          req.destroy();
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

for (const platform of PLATFORMS) {
  describe(`SSE lifecycle (${platform})`, () => {
    test('a client disconnect unsubscribes the Observable, leaves rooms and the registry', async () => {
      probe.teardowns = 0;
      const app = await createStreamingTestApp({ platform, controllers: [LifecycleController] });
      try {
        const client = new SseTestRequest(baseUrl(app), '/observed');
        await client.expectEvent('message', 'subscribed');
        assert.equal(app.manager.getStats().byProtocol.sse, 1);
        assert.equal((await app.manager.presence('watchers')).length, 1);
        await client.close();
        await waitFor(() => probe.teardowns === 1, 'the Observable teardown');
        await waitFor(() => app.manager.getStats().byProtocol.sse === 0, 'the registry to drop it');
        assert.equal((await app.manager.presence('watchers')).length, 0);
      } finally {
        await app.close();
      }
    });

    test('a client disconnect aborts ctx.signal of an imperative handler', async () => {
      probe.aborts = 0;
      const app = await createStreamingTestApp({ platform, controllers: [LifecycleController] });
      try {
        const client = new SseTestRequest(baseUrl(app), '/imperative');
        await client.expectEvent('ready', 'yes').close();
        await waitFor(() => probe.aborts === 1, 'the signal to abort');
        await waitFor(() => app.manager.getStats().byProtocol.sse === 0, 'the registry to drop it');
      } finally {
        await app.close();
      }
    });

    test('a slow reader is bounded by bufferSize and the dropped events are counted', async () => {
      probe.firehoseDone = 0;
      probe.maxBuffered = 0;
      const app = await createStreamingTestApp({ platform, controllers: [LifecycleController] });
      const reader = await openPaused(`${baseUrl(app)}/firehose`);
      try {
        await waitFor(() => probe.firehoseDone === 1, 'the handler to finish writing', 30_000);
        const stats = app.manager.getStats();
        assert.ok(stats.droppedMessages > 0, 'some events were dropped');
        assert.ok(
          probe.maxBuffered <= BUFFER + CHUNK.length + 64,
          `buffered at most ${probe.maxBuffered} bytes`,
        );
        const [conn] = app.manager.connections(onRoute('/firehose'));
        assert.ok(conn, 'the slow reader is still connected');
      } finally {
        reader.destroy();
        await app.close();
      }
    });

    test('the disconnect policy closes a slow reader and counts it', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [LifecycleController] });
      const reader = await openPaused(`${baseUrl(app)}/strict`);
      try {
        await waitFor(
          () => app.manager.getStats().slowConsumerDisconnects === 1,
          'a slow-consumer disconnect',
          30_000,
        );
        await waitFor(() => app.manager.getStats().byProtocol.sse === 0, 'the stream to close');
      } finally {
        reader.destroy();
        await app.close();
      }
    });

    test('graceful shutdown ends open streams', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [LifecycleController] });
      const client = new SseTestRequest(baseUrl(app), '/forever');
      await client.expectStatus(200);
      await waitFor(() => app.manager.getStats().byProtocol.sse === 1, 'an open stream');
      const closing = app.close();
      await client.expectEnd();
      await closing;
    });
  });
}
