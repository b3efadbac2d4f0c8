import 'reflect-metadata';
import { Body, Controller, Get, Post } from '@nestjs/common';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { WebSocketRoute, type WebSocketConnection } from '../../../src/index.js';
import { createStreamingTestApp, type TestPlatform } from '../../../src/testing/index.js';
import { waitFor } from '../../support/wait-for.js';
import { SlowRequestClient } from './slow-request.js';

@Controller()
class PlainController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }

  @Post('items')
  create(@Body() body: unknown): unknown {
    return body;
  }

  @WebSocketRoute('held')
  held(conn: WebSocketConnection): void {
    conn.keepOpen();
  }
}

const HEADERS_TIMEOUT = 500;
const REQUEST_TIMEOUT = 1_000;
/** Slack for the server's periodic check (a quarter of the shorter limit) and the test's polling. */
const SLACK = 1_000;

for (const platform of ['express', 'fastify'] as TestPlatform[]) {
  describe(`slow and silent peers (${platform})`, () => {
    const start = () =>
      createStreamingTestApp({
        platform,
        controllers: [PlainController],
        config: { headersTimeout: HEADERS_TIMEOUT, requestTimeout: REQUEST_TIMEOUT },
      });

    test('a client that dribbles its first request headers gets 408 and is cut off', async () => {
      const app = await start();
      try {
        const client = await SlowRequestClient.connect(app.port);
        const started = Date.now();
        client.write('GET /held HTTP/1.1\r\n');
        client.drip(100, 'X');
        await waitFor(() => client.closed, 'the dribbling client is cut off', 5_000);
        assert.ok(client.closedAt! - started <= HEADERS_TIMEOUT + SLACK, 'cut off in time');
        assert.match(client.received, /^HTTP\/1\.1 408/);
      } finally {
        await app.close();
      }
    });

    test('the second request on a keep-alive connection is held to headersTimeout too', async () => {
      const app = await start();
      try {
        const client = await SlowRequestClient.connect(app.port);
        client.write(`GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        await waitFor(() => client.received.includes('pong'), 'the first response');
        // Longer than the header limit, idle between the requests: keep-alive is not a request.
        await new Promise((resolve) => setTimeout(resolve, HEADERS_TIMEOUT + 300));
        assert.equal(client.closed, false, 'an idle keep-alive connection is left alone');
        const started = Date.now();
        client.write('GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
        client.drip(100);
        await waitFor(() => client.closed, 'the dribbling second request is cut off', 5_000);
        assert.ok(
          client.closedAt! - started <= HEADERS_TIMEOUT + SLACK,
          `cut off after ${client.closedAt! - started} ms`,
        );
        assert.match(client.received, /HTTP\/1\.1 408/);
      } finally {
        await app.close();
      }
    });

    test('a body dribbled slower than requestTimeout allows gets 408 and is cut off', async () => {
      const app = await start();
      try {
        const client = await SlowRequestClient.connect(app.port);
        const started = Date.now();
        client.write(
          'POST /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
            'Content-Length: 1000\r\n\r\n{"a":"',
        );
        client.drip(100);
        await waitFor(() => client.closed, 'the slow body is cut off', 5_000);
        assert.ok(
          client.closedAt! - started <= REQUEST_TIMEOUT + SLACK,
          `cut off after ${client.closedAt! - started} ms`,
        );
        assert.match(client.received, /^HTTP\/1\.1 408/);
      } finally {
        await app.close();
      }
    });

    test('an upgraded connection outlives both limits', async () => {
      const app = await start();
      try {
        const ws = new WebSocket(`${app.wsUrl}/held`);
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
        });
        await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT + SLACK));
        assert.equal(ws.readyState, WebSocket.OPEN, 'the WebSocket is still open');
        ws.terminate();
      } finally {
        await app.close();
      }
    });
  });
}
