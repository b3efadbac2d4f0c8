import 'reflect-metadata';
import { Controller, RequestMethod } from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  SseRoute,
  WebSocketRoute,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { upgradeStatus } from './upgrade-status.js';

@Controller('live')
class LiveController {
  @WebSocketRoute('ws')
  ws(conn: WebSocketConnection): Promise<void> {
    return conn.send('in');
  }

  @SseRoute('events')
  events(ctx: SseContext): void {
    ctx.writeSSE('in', 'x');
  }

  @WebSocketRoute('outside')
  outside(conn: WebSocketConnection): Promise<void> {
    return conn.send('outside');
  }
}

async function sseStatus(url: string): Promise<number> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const type = response.headers.get('content-type') ?? '';
  controller.abort();
  return type.startsWith('text/event-stream') ? response.status : -response.status;
}

for (const platform of ['express', 'fastify'] as const) {
  describe(`app.setGlobalPrefix applies to streaming routes (${platform})`, () => {
    let app: StreamingTestApp;

    before(async () => {
      app = await createStreamingTestApp({
        platform,
        controllers: [LiveController],
        configure: (nest) => {
          nest.setGlobalPrefix('api', {
            exclude: [{ path: 'live/outside', method: RequestMethod.GET }],
          });
        },
      });
      app.manager.webSocket('/runtime', (conn) => conn.send('runtime'));
    });
    after(() => app.close());

    test('a WebSocket route is served under the prefix, and not without it', async () => {
      assert.equal((await upgradeStatus(app.port, '/api/live/ws')).status, 101);
      assert.equal((await upgradeStatus(app.port, '/live/ws')).status, 404);
    });

    test('an SSE route is served under the prefix, and not without it', async () => {
      assert.equal(await sseStatus(`${app.url}/api/live/events`), 200);
      assert.equal(await sseStatus(`${app.url}/live/events`), -404);
    });

    test('a route excluded from the prefix stays at its own path', async () => {
      assert.equal((await upgradeStatus(app.port, '/live/outside')).status, 101);
      assert.equal((await upgradeStatus(app.port, '/api/live/outside')).status, 404);
    });

    test('a route registered at run time is served under the prefix', async () => {
      assert.equal((await upgradeStatus(app.port, '/api/runtime')).status, 101);
    });
  });
}
