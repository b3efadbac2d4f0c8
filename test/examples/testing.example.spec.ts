// README: "Testing"
import 'reflect-metadata';
import { Controller, UseGuards } from '@nestjs/common';
import { test } from 'node:test';
import {
  SseRoute,
  StreamingJwtGuard,
  WebSocketRoute,
  type SseContext,
  type WebSocketConnection,
} from 'nestjs-forge-streaming';
import { createStreamingTestApp } from 'nestjs-forge-streaming/testing';
import { EchoController } from './websocket-echo.example.js';

@Controller()
class PrivateAndEventsController {
  @UseGuards(StreamingJwtGuard)
  @WebSocketRoute('private')
  secret(conn: WebSocketConnection): Promise<void> {
    return conn.send('secret');
  }

  @SseRoute('events')
  async events(ctx: SseContext): Promise<void> {
    await ctx.writeSSE('connected', 'Welcome to SSE stream');
  }
}

test('the README testing snippet runs on Fastify', async () => {
  const app = await createStreamingTestApp({
    controllers: [EchoController, PrivateAndEventsController],
    platform: 'fastify',
    config: { jwt: { secret: 'dev-secret' } },
  });
  await app
    .test()
    .webSocket('/ws/echo')
    .expectMessage('Connected to WebSocket')
    .send('hi')
    .expectMessage('hi')
    .close();
  await app.test().webSocket('/private').expectRejected(401);
  await app
    .test()
    .sse('/events')
    .expectStatus(200)
    .expectHeader('content-type', /text\/event-stream/)
    .expectEvent('connected');
  await app.close();
});
