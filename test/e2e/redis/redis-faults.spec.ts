import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ForgeStreamingModule,
  StreamEvent,
  StreamingManager,
  protocol,
} from '../../../src/index.js';
import { RedisStreamingAdapter } from '../../../src/adapters/redis/redis-streaming.adapter.js';
import { RedisUnavailableError } from '../../../src/adapters/redis/redis-unavailable.error.js';
import type { SseGapNotice } from '../../../src/interfaces/streaming-adapter.interface.js';
import { ChatClient, startClusterApp, type ClusterApp } from './cluster-apps.js';
import { CuttableProxy, PrivateRedis, uniquePrefix } from './redis-test-env.js';
import { waitFor } from '../../support/wait-for.js';
import { SseClient } from './sse-client.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

describe('Redis faults (private redis-server)', () => {
  let server: PrivateRedis;
  const apps: ClusterApp[] = [];
  const clients: ChatClient[] = [];
  const streams: SseClient[] = [];

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await PrivateRedis.create();
  });

  after(async () => {
    for (const client of clients) await client.close();
    for (const stream of streams) stream.close();
    for (const { app } of apps) await app.close();
    await server.kill();
    process.off('unhandledRejection', onUnhandled);
  });

  test('start-up fails with a clear RedisUnavailableError when Redis does not answer', async () => {
    const adapter = new RedisStreamingAdapter({ url: server.url, connectTimeoutMs: 500 });
    @Module({ imports: [ForgeStreamingModule.forRoot({ adapter })] })
    class StrictModule {}
    const app = await NestFactory.create(StrictModule, { logger: false });
    try {
      await assert.rejects(app.init(), (error: unknown) => {
        assert.ok(error instanceof RedisUnavailableError, String(error));
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${server.port}`));
        assert.match(error.message, /degradedStart/);
        return true;
      });
      assert.equal(adapter.health().status, 'down');
    } finally {
      await app.close();
    }
  });

  test('degradedStart: the app starts without Redis, reports degraded, and joins the cluster once Redis answers', async () => {
    const prefix = uniquePrefix('degraded');
    const a = await startClusterApp({ url: server.url, keyPrefix: prefix, degradedStart: true });
    apps.push(a);
    assert.equal(a.adapter.health().status, 'degraded');
    assert.match(a.adapter.health().detail ?? '', /unreachable/);
    const local = await a.manager.broadcast('nobody else yet');
    assert.equal(local.published, true);
    await server.start();
    await waitFor(() => a.adapter.health().status === 'up', 'health to recover', 15_000);
    const b = await startClusterApp({ url: server.url, keyPrefix: prefix });
    apps.push(b);
    const bob = await ChatClient.connect(b.port, 'late');
    clients.push(bob);
    await a.manager.to('late').broadcast({ text: 'reached' });
    await waitFor(
      () => bob.received.some((m) => (m as { text?: string }).text === 'reached'),
      'bob to receive a broadcast from the degraded-start instance',
    );
  });

  test('Redis killed and restarted: no crash, degraded meanwhile, broadcasts and the registry recover, SSE streams get the reset event', async () => {
    const prefix = uniquePrefix('restart');
    const a = await startClusterApp({ url: server.url, keyPrefix: prefix });
    const b = await startClusterApp({ url: server.url, keyPrefix: prefix });
    apps.push(a, b);
    const gapsOnB: SseGapNotice[] = [];
    b.adapter.history.onGap((notice) => gapsOnB.push(notice));
    const bob = await ChatClient.connect(b.port, 'ops');
    clients.push(bob);
    const feed = await SseClient.open(b.port, '/feed');
    streams.push(feed);
    await waitFor(() => feed.named('ready').length === 1, 'the SSE stream to greet');
    await a.manager.to('ops').broadcast({ text: 'before' });
    await waitFor(() => bob.received.length === 1, 'the first broadcast');
    await a.manager.broadcast(new StreamEvent('tick', { seq: 1 }), protocol('sse'));
    await waitFor(() => feed.named('tick').length === 1, 'the first SSE event');
    const seenBeforeOutage = feed.named('tick')[0].id!;

    await server.kill();
    await waitFor(
      () => a.adapter.health().status === 'degraded' && b.adapter.health().status === 'degraded',
      'both instances to report degraded',
    );
    // Every manager call keeps working (locally) while Redis is down.
    const during = await a.manager.to('ops').broadcast({ text: 'during' });
    assert.equal(during.delivered, 0);
    assert.equal(await a.manager.describeConnection(bob.id), undefined);
    assert.deepEqual(await a.manager.presence('nobody'), []);
    assert.equal(await a.manager.disconnect(bob.id), false);
    await a.manager.getClusterStats();
    assert.equal(await a.adapter.history.lastId('/x'), undefined);
    assert.equal((await a.adapter.history.replay('/x', '1-0')).gap, true);

    await server.start();
    await waitFor(
      () => a.adapter.health().status === 'up' && b.adapter.health().status === 'up',
      'both instances to recover',
      15_000,
    );
    await waitFor(
      async () => {
        await a.manager.to('ops').broadcast({ text: 'after' });
        return bob.received.some((m) => (m as { text?: string }).text === 'after');
      },
      'broadcasts to flow again',
      15_000,
      250,
    );
    assert.ok(
      !bob.received.some((m) => (m as { text?: string }).text === 'during'),
      'the outage message was not replayed late',
    );
    await waitFor(async () => {
      const descriptor = await a.manager.describeConnection(bob.id);
      return descriptor?.instanceId === b.manager.instanceId;
    }, 'the registry to be rewritten on the restarted Redis');
    // b's subscription was interrupted: it signals a gap to its SSE streams. (a's notice of the
    // broadcasts it could not publish races with b's resubscription, so it is not awaited here.)
    await waitFor(
      () => gapsOnB.some((n) => n.reason === 'resubscribed'),
      'b to signal the gap of its resubscription',
    );
    await waitFor(
      () => feed.named('stream-reset').some((e) => /resubscribed|publish-lost/.test(e.data)),
      'the open SSE stream to get the reset event for the gap',
    );
    const resumed = await SseClient.open(a.port, '/feed', seenBeforeOutage);
    streams.push(resumed);
    await waitFor(
      () => resumed.named('stream-reset').some((e) => JSON.parse(e.data).reason === 'history-gap'),
      'a resume from before the outage to get the reset event',
    );
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  test('one instance cut off from Redis: its lost broadcasts become a reset event on the other instance', async () => {
    const prefix = uniquePrefix('partition');
    const proxy = await CuttableProxy.start(server.url);
    try {
      const a = await startClusterApp({ url: proxy.url, keyPrefix: prefix });
      const b = await startClusterApp({ url: server.url, keyPrefix: prefix });
      apps.push(a, b);
      const feed = await SseClient.open(b.port, '/feed');
      streams.push(feed);
      await waitFor(() => feed.named('ready').length === 1, 'the SSE stream to greet');

      proxy.cut();
      await waitFor(() => a.adapter.health().status === 'degraded', 'a to report degraded');
      assert.equal(b.adapter.health().status, 'up');
      const lost = await a.manager.broadcast(
        new StreamEvent('tick', { lost: true }),
        protocol('sse'),
      );
      assert.equal(lost.published, true);
      proxy.restore();
      await waitFor(() => a.adapter.health().status === 'up', 'a to recover', 15_000);
      await waitFor(
        () => feed.named('stream-reset').some((e) => JSON.parse(e.data).reason === 'publish-lost'),
        'b to reset its streams for the broadcasts a could not publish',
      );
      assert.equal(feed.named('tick').length, 0, 'the lost broadcast was not delivered late');
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    } finally {
      await proxy.close();
    }
  });

  test('the app shuts down promptly while Redis is down', async () => {
    const prefix = uniquePrefix('shutdown');
    const a = await startClusterApp({ url: server.url, keyPrefix: prefix });
    await server.kill();
    await waitFor(() => a.adapter.health().status === 'degraded', 'degraded');
    const started = Date.now();
    await a.app.close();
    assert.ok(Date.now() - started < 10_000, 'closed within the drain time');
    assert.equal(a.adapter.health().status, 'down');
    assert.equal(a.app.get(StreamingManager).health().status, 'down');
    await server.start();
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });
});
