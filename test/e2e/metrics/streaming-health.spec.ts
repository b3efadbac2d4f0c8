import 'reflect-metadata';
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import {
  StreamingHealthIndicator,
  WebSocketRoute,
  type StreamingConfig,
  type WebSocketConnection,
} from '../../../src/index.js';
import { RedisStreamingAdapter } from '../../../src/adapters/redis/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { freePort, REDIS_URL, uniquePrefix } from '../redis/redis-test-env.js';

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
      () => this.streaming.adapter('adapter'),
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

interface HealthBody {
  status: string;
  details: Record<string, { status: string } & Record<string, unknown>>;
}

async function health(app: StreamingTestApp): Promise<{ code: number; body: HealthBody }> {
  const response = await fetch(`${app.url}/health`);
  return { code: response.status, body: (await response.json()) as HealthBody };
}

function healthApp(config: StreamingConfig): Promise<StreamingTestApp> {
  return createStreamingTestApp({
    imports: [TerminusModule],
    controllers: [HealthController, HoldController],
    config,
  });
}

describe('streaming health through @nestjs/terminus', () => {
  test('an idle in-memory instance is up on every indicator', async () => {
    const app = await healthApp({});
    try {
      const { code, body } = await health(app);
      assert.equal(code, 200);
      assert.equal(body.status, 'ok');
      assert.deepEqual(body.details.streaming, {
        status: 'up',
        protocols: { websocket: 'accepting', sse: 'accepting' },
      });
      assert.equal(body.details.connections.status, 'up');
      assert.deepEqual(body.details.adapter, { status: 'up' });
    } finally {
      await app.close();
    }
  });

  describe('connections against limits', () => {
    let app: StreamingTestApp;
    const sockets: WebSocket[] = [];
    before(async () => (app = await healthApp({ websocket: { maxConnections: 2 } })));
    after(async () => {
      for (const socket of sockets) socket.terminate();
      await app.close();
    });

    test('at 90 % of maxConnections the connections indicator is degraded, with the figures', async () => {
      for (let i = 0; i < 2; i++) {
        const socket = new WebSocket(`${app.wsUrl}/ws/hold`);
        sockets.push(socket);
        await new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
      }
      const { code, body } = await health(app);
      assert.equal(code, 200);
      assert.equal(body.status, 'degraded');
      assert.deepEqual(body.details.connections, {
        status: 'degraded',
        protocols: { websocket: { open: 2, max: 2 }, sse: { open: 0, max: 10_000 } },
      });
    });
  });

  test('a Redis adapter that reaches Redis is up', async () => {
    const adapter = new RedisStreamingAdapter({
      url: REDIS_URL,
      keyPrefix: uniquePrefix('health'),
    });
    const app = await healthApp({ adapter });
    try {
      const { code, body } = await health(app);
      assert.equal(code, 200);
      assert.equal(body.details.adapter.status, 'up');
    } finally {
      await app.close();
    }
  });

  test('a Redis adapter pointed at a dead port reports degraded with a detail, and /health says so', async () => {
    const port = await freePort();
    const adapter = new RedisStreamingAdapter({
      url: `redis://127.0.0.1:${port}`,
      degradedStart: true,
      connectTimeoutMs: 200,
      options: { maxRetriesPerRequest: 0 },
    });
    const app = await healthApp({ adapter });
    try {
      const { code, body } = await health(app);
      assert.equal(code, 200, 'degraded is still served (local delivery goes on)');
      assert.equal(body.status, 'degraded');
      assert.equal(body.details.adapter.status, 'degraded');
      assert.equal(typeof body.details.adapter.detail, 'string');
      assert.equal(body.details.streaming.status, 'up');
    } finally {
      await app.close();
    }
  });

  test('after shutdown the listening indicator is down, naming each protocol', async () => {
    const app = await healthApp({});
    const indicator = app.app.get(StreamingHealthIndicator);
    await app.close();
    const result = await indicator.isListening('streaming');
    assert.deepEqual(result, {
      streaming: {
        status: 'down',
        protocols: { websocket: 'not accepting', sse: 'not accepting' },
      },
    });
  });
});
