import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ForgeStreamingModule, StreamingManager } from '../../../src/index.js';
import { RedisStreamingAdapter } from '../../../src/adapters/redis/index.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from '../redis/redis-test-env.js';
import { GatewayTestClient } from './gateway-client.js';
import { RoomGateway } from './fixtures.js';

interface Instance {
  readonly app: INestApplication;
  readonly manager: StreamingManager;
  readonly wsUrl: string;
}

async function startInstance(keyPrefix: string): Promise<Instance> {
  const adapter = new RedisStreamingAdapter({ url: REDIS_URL, keyPrefix, heartbeatMs: 200 });
  @Module({
    imports: [ForgeStreamingModule.forRoot({ adapter })],
    providers: [RoomGateway],
  })
  class InstanceModule {}
  const app = await NestFactory.create(InstanceModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  return { app, manager: app.get(StreamingManager), wsUrl: `ws://127.0.0.1:${port}` };
}

describe('event gateway across two instances sharing Redis', () => {
  const prefix = uniquePrefix('gateway-events');
  let redis: Redis;
  let a: Instance;
  let b: Instance;
  const clients: GatewayTestClient[] = [];

  before(async () => {
    redis = testClient();
    a = await startInstance(prefix);
    b = await startInstance(prefix);
  });

  after(async () => {
    for (const client of clients) client.close();
    await a?.app.close();
    await b?.app.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('delivers to(room).emit from one instance to members on the other, in each codec', async () => {
    const json = await GatewayTestClient.open(`${b.wsUrl}/ws/rooms/across`);
    const packed = await GatewayTestClient.open(`${b.wsUrl}/ws/rooms/across`, {
      protocols: ['forge.v1.msgpack'],
    });
    clients.push(json, packed);
    await json.request('echo', 'ready');
    await packed.request('echo', 'ready');
    // The room's channel is subscribed on b's first local join; retry until it carries.
    const expected = { event: 'chat.message', data: { text: 'from a' } };
    for (let attempt = 0; ; attempt += 1) {
      await a.manager.to('across').emit('chat.message', { text: 'from a' });
      try {
        assert.deepEqual(await json.nextEvent('chat.message'), expected);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    assert.deepEqual(await packed.nextEvent('chat.message'), expected);
    assert.equal(packed.binaryFrames.at(-1), true);
  });
});
