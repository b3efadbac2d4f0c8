import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvalidRouteError, SseRoute, type SseContext } from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';

@Controller()
class RoomsController {
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @SseRoute(':room')
  room(ctx: SseContext): void {
    ctx.writeSSE('room', ctx.lastEventId ?? 'none');
  }
}

@Controller('feed')
class ConflictingController {
  @Get()
  list(): string[] {
    return [];
  }

  @SseRoute('')
  stream(ctx: SseContext): void {
    ctx.writeSSE('x', 'y');
  }
}

for (const platform of ['express', 'fastify'] as const) {
  describe(`SSE routes and REST routes (${platform})`, () => {
    let app: StreamingTestApp;

    before(async () => {
      app = await createStreamingTestApp({ platform, controllers: [RoomsController] });
    });
    after(() => app.close());

    test('a REST GET route is reached when the request does not ask for an event stream', async () => {
      const response = await fetch(`${app.url}/health`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
    });

    test('an EventSource request (Accept: text/event-stream) reaches the SSE route', async () => {
      const controller = new AbortController();
      const response = await fetch(`${app.url}/health`, {
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      controller.abort();
    });

    test('a path no REST route answers reaches the SSE route without an Accept header', async () => {
      const controller = new AbortController();
      const response = await fetch(`${app.url}/lobby`, { signal: controller.signal });
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      controller.abort();
    });

    test('an SSE route and a REST GET route on the same path fail at start-up, naming both', async () => {
      await assert.rejects(
        createStreamingTestApp({ platform, controllers: [ConflictingController] }),
        (error: unknown) =>
          error instanceof InvalidRouteError &&
          error.message.includes('ConflictingController.stream') &&
          error.message.includes('ConflictingController.list') &&
          error.message.includes('/feed'),
      );
    });
  });
}
