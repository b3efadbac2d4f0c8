import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ForgeStreamingModule, StreamingManager } from '../../../src/index.js';
import { RedisStreamingAdapter } from '../../../src/adapters/redis/index.js';
import { createStreamingTestApp } from '../../../src/testing/index.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from '../redis/redis-test-env.js';
import { waitFor } from '../../support/wait-for.js';
import { GatewayTestClient } from './gateway-client.js';
import { RoomGateway } from './fixtures.js';

describe('event gateway: one broadcast per emit', () => {
  it('reaches JSON and MessagePack members through a single broadcast', async () => {
    const app = await createStreamingTestApp({ providers: [RoomGateway] });
    const clients: GatewayTestClient[] = [];
    try {
      const json = await GatewayTestClient.open(`${app.wsUrl}/ws/rooms/once`);
      const packed = await GatewayTestClient.open(`${app.wsUrl}/ws/rooms/once`, {
        protocols: ['forge.v1.msgpack'],
      });
      clients.push(json, packed);
      await json.request('echo', 'ready');
      await packed.request('echo', 'ready');
      const manager = app.app.get(StreamingManager);
      const before = manager.getStats().broadcasts;
      const result = await manager.to('once').emit('chat.message', { text: 'one' });
      assert.equal(manager.getStats().broadcasts - before, 1, 'one broadcast for both codecs');
      assert.equal(result.delivered, 2);
      const expected = { event: 'chat.message', data: { text: 'one' } };
      assert.deepEqual(await json.nextEvent('chat.message'), expected);
      assert.deepEqual(await packed.nextEvent('chat.message'), expected);
      assert.equal(packed.binaryFrames.at(-1), true);
    } finally {
      for (const client of clients) client.close();
      await app.close();
    }
  });
});

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

describe('event gateway over Redis: one publish per emit', () => {
  const prefix = uniquePrefix('gateway-emit-once');
  let redis: Redis;
  let watcher: Redis;
  let shardWatcher: Redis | undefined;
  let a: Instance;
  let b: Instance;
  const clients: GatewayTestClient[] = [];
  const published: string[] = [];

  before(async () => {
    redis = testClient();
    watcher = testClient();
    // Room broadcasts go out on the room's channel, sharded (SPUBLISH) where Redis has it.
    const shardedWatcher = testClient();
    shardWatcher = shardedWatcher;
    await watcher.psubscribe(`${prefix}channel:*`);
    watcher.on('pmessage', (_pattern: string, channel: string, message: string) => {
      if (channel.includes('channel:room:') || channel.endsWith('channel:broadcast'))
        published.push(message);
    });
    await shardedWatcher.ssubscribe(`${prefix}channel:room:{solo}`).catch(() => undefined);
    shardedWatcher.on('smessage', (_channel: string, message: string) => published.push(message));
    a = await startInstance(prefix);
    b = await startInstance(prefix);
  });

  after(async () => {
    for (const client of clients) client.close();
    await a?.app.close();
    await b?.app.close();
    watcher?.disconnect();
    shardWatcher?.disconnect();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('publishes an emit once and the other instance encodes each codec it serves', async () => {
    const json = await GatewayTestClient.open(`${b.wsUrl}/ws/rooms/solo`);
    const packed = await GatewayTestClient.open(`${b.wsUrl}/ws/rooms/solo`, {
      protocols: ['forge.v1.msgpack'],
    });
    clients.push(json, packed);
    await json.request('echo', 'ready');
    await packed.request('echo', 'ready');
    const expected = { event: 'chat.message', data: { text: 'across', n: 1 } };
    // The room's channel is subscribed on b's first local join; retry until it carries.
    for (let attempt = 0; ; attempt += 1) {
      await a.manager.to('solo').emit('chat.message', expected.data);
      try {
        assert.deepEqual(await json.nextEvent('chat.message'), expected);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    assert.deepEqual(await packed.nextEvent('chat.message'), expected);
    assert.equal(packed.binaryFrames.at(-1), true);
    await waitFor(() => published.length > 0, 'the watcher to see the publish');
    const count = published.length;
    await a.manager.to('solo').emit('chat.message', { text: 'again' });
    await json.nextEvent('chat.message');
    await packed.nextEvent('chat.message');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(published.length - count, 1, 'one publish for JSON, MessagePack and SSE');
  });
});
