import 'reflect-metadata';
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import {
  StreamingHealthIndicator,
  StreamingMetricsController,
  WebSocketRoute,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { parsePrometheusText } from '../../support/prometheus-text.js';

@Controller()
class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(StreamingHealthIndicator) private readonly streaming: StreamingHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.streaming.isListening('streaming'),
      () => this.streaming.connectionsWithinLimits('connections'),
    ]);
  }
}

@Controller()
class HoldController {
  @WebSocketRoute('ws/hold')
  async hold(conn: WebSocketConnection): Promise<void> {
    await conn.closed;
  }
}

for (const platform of ['express', 'fastify'] as const) {
  describe(`health and metrics endpoints (${platform})`, () => {
    let app: StreamingTestApp;
    let socket: WebSocket;

    before(async () => {
      app = await createStreamingTestApp({
        platform,
        imports: [TerminusModule],
        controllers: [HealthController, HoldController, StreamingMetricsController],
        config: { metrics: { enabled: true, registry: new Registry() } },
        configure: (nest) => {
          nest.setGlobalPrefix('api');
        },
      });
      socket = new WebSocket(`${app.wsUrl}/api/ws/hold`);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
    });
    after(async () => {
      socket?.terminate();
      await app?.close();
    });

    test('GET /api/health answers with the streaming indicators', async () => {
      const response = await fetch(`${app.url}/api/health`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as {
        status: string;
        details: Record<string, { status: string; protocols?: unknown }>;
      };
      assert.equal(body.status, 'ok');
      assert.equal(body.details.streaming.status, 'up');
      assert.deepEqual(
        (body.details.connections.protocols as Record<string, { open: number }>).websocket.open,
        1,
      );
    });

    test('GET /api/metrics is Prometheus text counting the open connection', async () => {
      const response = await fetch(`${app.url}/api/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      const samples = parsePrometheusText(await response.text());
      const open = samples
        .filter(
          (sample) =>
            sample.name === 'forge_streaming_connections' && sample.labels.protocol === 'websocket',
        )
        .reduce((sum, sample) => sum + sample.value, 0);
      assert.equal(open, 1);
    });
  });
}
