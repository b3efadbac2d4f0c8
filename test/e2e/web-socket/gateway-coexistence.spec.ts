import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { WebSocketRoute, type WebSocketConnection } from '../../../src/index.js';
import { createStreamingTestApp } from '../../../src/testing/index.js';

@WebSocketGateway({ path: '/gateway' })
class EventsGateway {
  @SubscribeMessage('ping')
  ping(): { event: string; data: string } {
    return { event: 'pong', data: 'from the gateway' };
  }
}

@Controller()
class StreamController {
  @WebSocketRoute('stream')
  stream(conn: WebSocketConnection): Promise<void> {
    return conn.send('from the streaming route');
  }
}

test('a Nest WsAdapter gateway and streaming routes share one server', async () => {
  const app = await createStreamingTestApp({
    controllers: [StreamController],
    providers: [EventsGateway],
    configure: (nestApp) => {
      nestApp.useWebSocketAdapter(new WsAdapter(nestApp));
    },
  });
  try {
    await app
      .test()
      .webSocket('/stream')
      .expectMessage('from the streaming route')
      .expectClose(1000);
    const gateway = new WebSocket(`${app.wsUrl}/gateway`);
    await new Promise((resolve, reject) => {
      gateway.once('open', resolve);
      gateway.once('error', reject);
    });
    gateway.send(JSON.stringify({ event: 'ping', data: {} }));
    const reply = await new Promise<string>((resolve) =>
      gateway.once('message', (data) => resolve(String(data))),
    );
    assert.deepEqual(JSON.parse(reply), { event: 'pong', data: 'from the gateway' });
    gateway.close();
    // A path neither owns is left to the gateway adapter (which drops it): no 404 from us.
    const stray = new WebSocket(`${app.wsUrl}/nobody`);
    const outcome = await new Promise<string>((resolve) => {
      stray.once('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
      stray.once('error', () => resolve('dropped'));
    });
    assert.equal(outcome, 'dropped');
  } finally {
    await app.close();
  }
});
