import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Registry, register as defaultRegistry } from 'prom-client';
import WebSocket from 'ws';
import {
  MessageBody,
  OnMessage,
  SseRoute,
  StreamingGateway,
  StreamingMetricsController,
  WebSocketRoute,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import {
  parsePrometheusText,
  sampleValue,
  type PrometheusSample,
} from '../../support/prometheus-text.js';
import { waitFor } from '../../support/wait-for.js';

@Controller()
class TrafficController {
  @WebSocketRoute('ws/echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn) await conn.writeMessage(message.type, message.data);
  }

  @SseRoute('events')
  async events(ctx: SseContext): Promise<void> {
    await ctx.writeSSE('hello', 'x');
    ctx.keepOpen();
  }
}

@StreamingGateway('/ws/events')
class PingGateway {
  @OnMessage('ping')
  ping(@MessageBody() data: unknown): unknown {
    return data;
  }

  @OnMessage('slow')
  async slow(): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    return 'done';
  }
}

function reply(socket: WebSocket, event: string, id: number): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const message = JSON.parse(String(raw)) as { id?: number; data?: unknown };
      if (message.id !== id) return;
      socket.off('message', onMessage);
      resolve(message.data);
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ event, data: id, id }));
  });
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function echoed(socket: WebSocket, text: string): Promise<void> {
  return new Promise((resolve) => {
    socket.once('message', () => resolve());
    socket.send(text);
  });
}

function refusedUpgrade(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    socket.once('error', () => undefined);
    socket.once('open', () => reject(new Error(`${url} was accepted`)));
  });
}

async function scrape(
  app: StreamingTestApp,
): Promise<{ type: string; samples: PrometheusSample[] }> {
  const response = await fetch(`${app.url}/metrics`);
  assert.equal(response.status, 200, 'GET /metrics answers 200');
  return {
    type: response.headers.get('content-type') ?? '',
    samples: parsePrometheusText(await response.text()),
  };
}

describe('streaming metrics over real connections', () => {
  let app: StreamingTestApp;
  const registry = new Registry();
  const sockets: WebSocket[] = [];
  let sse: Response;

  before(async () => {
    app = await createStreamingTestApp({
      controllers: [TrafficController, StreamingMetricsController],
      providers: [PingGateway],
      config: { metrics: { enabled: true, registry } },
    });
  });
  after(async () => {
    for (const socket of sockets) socket.terminate();
    await sse?.body?.cancel();
    await app.close();
  });

  test('GET /metrics reflects connections, messages, bytes, rejections and broadcasts', async () => {
    sockets.push(
      await openSocket(`${app.wsUrl}/ws/echo`),
      await openSocket(`${app.wsUrl}/ws/echo`),
    );
    for (const socket of sockets) {
      for (const text of ['one', 'two', 'three']) await echoed(socket, text);
    }
    sse = await fetch(`${app.url}/events`, { headers: { accept: 'text/event-stream' } });
    assert.equal(sse.status, 200);
    assert.equal(await refusedUpgrade(`${app.wsUrl}/ws/nowhere`), 404);
    await waitFor(() => app.manager.getStats().byProtocol.sse === 1, 'the SSE stream is open');
    const delivered = await app.manager.broadcast('to all');

    const { type, samples } = await scrape(app);
    assert.match(type, /^text\/plain; version=0\.0\.4/);
    const p = 'forge_streaming_';
    assert.equal(
      sampleValue(samples, `${p}connections`, { protocol: 'websocket', route: '/ws/echo' }),
      2,
    );
    assert.equal(sampleValue(samples, `${p}connections`, { protocol: 'sse', route: '/events' }), 1);
    assert.equal(sampleValue(samples, `${p}connections_opened_total`), 3);
    assert.equal(sampleValue(samples, `${p}connections_closed_total`), 0);
    assert.equal(sampleValue(samples, `${p}messages_received_total`), 6);
    assert.equal(sampleValue(samples, `${p}received_bytes_total`), 2 * (3 + 3 + 5));
    const sent = sampleValue(samples, `${p}messages_sent_total`) ?? 0;
    assert.ok(
      sent >= 6 + 1 + delivered.delivered,
      `messages sent counts echoes, SSE and the broadcast (${sent})`,
    );
    assert.ok((sampleValue(samples, `${p}sent_bytes_total`) ?? 0) > 2 * 11);
    assert.equal(sampleValue(samples, `${p}broadcasts_total`), 1);
    assert.equal(
      sampleValue(samples, `${p}connections_rejected_total`, { reason: 'not-found' }),
      1,
    );
    assert.equal(sampleValue(samples, `${p}connections_rejected_total`, { reason: 'auth' }), 0);
    assert.equal(sampleValue(samples, `${p}slow_consumer_dropped_messages_total`), 0);
    assert.equal(sampleValue(samples, `${p}adapter_health`, { state: 'up' }), 1);
    assert.equal(sampleValue(samples, `${p}adapter_health`, { state: 'down' }), 0);
    assert.equal(
      sampleValue(samples, `${p}handshake_duration_seconds_count`, {
        protocol: 'websocket',
        outcome: 'accepted',
      }),
      2,
    );
    assert.equal(
      sampleValue(samples, `${p}handshake_duration_seconds_bucket`, {
        protocol: 'sse',
        outcome: 'accepted',
        le: '+Inf',
      }),
      1,
    );
  });

  test('closed connections leave the gauge and count as closed', async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await waitFor(() => app.manager.getStats().byProtocol.websocket === 0, 'the sockets closed');
    const { samples } = await scrape(app);
    const p = 'forge_streaming_';
    assert.equal(
      sampleValue(samples, `${p}connections`, { protocol: 'websocket', route: '/ws/echo' }),
      undefined,
    );
    assert.equal(sampleValue(samples, `${p}connections_closed_total`), 2);
  });

  test('gateway handlers are timed per event, the async wait included', async () => {
    const socket = await openSocket(`${app.wsUrl}/ws/events`);
    try {
      assert.equal(await reply(socket, 'ping', 1), 1);
      assert.equal(await reply(socket, 'ping', 2), 2);
      assert.equal(await reply(socket, 'slow', 3), 'done');
    } finally {
      socket.close();
    }
    const { samples } = await scrape(app);
    const name = 'forge_streaming_message_handler_duration_seconds';
    assert.equal(sampleValue(samples, `${name}_count`, { event: 'ping' }), 2);
    assert.equal(sampleValue(samples, `${name}_count`, { event: 'slow' }), 1);
    const slowSum = sampleValue(samples, `${name}_sum`, { event: 'slow' }) ?? 0;
    assert.ok(slowSum >= 0.025, `the slow handler's 30 ms wait is measured (${slowSum} s)`);
  });

  test('the metrics live in the given registry, not in the default one', async () => {
    assert.equal(
      await defaultRegistry
        .getSingleMetricAsString('forge_streaming_connections')
        .catch(() => 'absent'),
      'absent',
    );
    assert.ok(registry.getSingleMetric('forge_streaming_connections'));
  });
});

describe('streaming metrics options', () => {
  test('with metrics off, GET /metrics answers 404 with the option to set', async () => {
    const app = await createStreamingTestApp({ controllers: [StreamingMetricsController] });
    try {
      const response = await fetch(`${app.url}/metrics`);
      assert.equal(response.status, 404);
      assert.match(await response.text(), /metrics\.enabled/);
    } finally {
      await app.close();
    }
  });

  test('the default registry and a prefix are used when given no registry', async () => {
    const app = await createStreamingTestApp({
      controllers: [StreamingMetricsController],
      config: { metrics: { enabled: true, prefix: 'edge_' } },
    });
    try {
      assert.ok(defaultRegistry.getSingleMetric('edge_connections_opened_total'));
      const { samples } = await scrape(app);
      assert.equal(sampleValue(samples, 'edge_connections_opened_total'), 0);
    } finally {
      await app.close();
    }
    assert.equal(
      defaultRegistry.getSingleMetric('edge_connections_opened_total'),
      undefined,
      'removed on close',
    );
  });

  test('an unknown metrics key is refused at start-up, naming the close match', async () => {
    await assert.rejects(
      createStreamingTestApp({ config: { metrics: { enabeld: true } as never } }),
      /metrics\.enabeld.*metrics\.enabled/,
    );
  });
});
