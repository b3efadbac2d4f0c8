import 'reflect-metadata';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { createStreamingTestApp } from '../../src/testing/index.js';
import { EchoController } from './websocket-echo.example.js';
import { PrivateController } from './websocket-auth.example.js';
import { LiveController, ConnectionMetricsInterceptor } from './middleware.example.js';

describe('README examples run as documented', () => {
  test('basic WebSocket handler', async () => {
    const app = await createStreamingTestApp({ controllers: [EchoController] });
    try {
      await app
        .test()
        .webSocket('/ws/echo')
        .expectMessage('Connected to WebSocket')
        .send('ping')
        .expectMessage('ping')
        .close();
    } finally {
      await app.close();
    }
  });

  test('WebSocket with authentication', async () => {
    const app = await createStreamingTestApp({
      controllers: [PrivateController],
      config: { jwt: { secret: 'dev-secret' } },
    });
    try {
      await app.test().webSocket('/ws/authenticated').expectRejected(401);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('42')
        .setExpirationTime('1m')
        .sign(new TextEncoder().encode('dev-secret'));
      await app
        .test()
        .webSocket(`/ws/authenticated?access_token=${token}`)
        .expectMessage('Welcome, user 42')
        .send('hi')
        .expectMessage({ userId: '42', received: 'hi' })
        .close();
    } finally {
      await app.close();
    }
  });

  test('interceptors and middleware', async () => {
    const app = await createStreamingTestApp({
      controllers: [LiveController],
      providers: [ConnectionMetricsInterceptor],
    });
    try {
      await app.test().webSocket('/live').send('x').expectMessage('x').close();
    } finally {
      await app.close();
    }
  });
});

describe('README SSE examples run as documented', () => {
  test('custom events, then the stream ends', async () => {
    const { EventsController, MetricsService } = await import('./sse.example.js');
    const app = await createStreamingTestApp({
      controllers: [EventsController],
      providers: [MetricsService],
    });
    try {
      await app
        .test()
        .sse('/custom')
        .expectStatus(200)
        .expectHeader('content-type', /text\/event-stream/)
        .expectEvent('user-login')
        .expectEvent('system-alert', { level: 'warning', message: 'High CPU usage detected' })
        .expectEvent('data-update', { table: 'users', action: 'insert', id: '456' });
    } finally {
      await app.close();
    }
  });
});

describe('README WebTransport examples run as documented', () => {
  test('message echo over HTTP/2 with the fluent test session', async () => {
    const { TransportController } = await import('./web-transport.example.js');
    const app = await createStreamingTestApp({
      controllers: [TransportController],
      config: { webTransport: { enabled: true, port: 0 } },
    });
    try {
      await app
        .test()
        .webTransport('/wt')
        .expectMessage('Connected to WebTransport')
        .send('hi')
        .expectMessage('hi')
        .close();
    } finally {
      await app.close();
    }
  });
});
