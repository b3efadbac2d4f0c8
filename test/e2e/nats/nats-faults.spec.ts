import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect } from '@nats-io/transport-node';
import {
  ForgeStreamingModule,
  StreamEvent,
  StreamingManager,
  protocol,
} from '../../../src/index.js';
import { NatsStreamingAdapter } from '../../../src/adapters/nats/nats-streaming.adapter.js';
import { NatsUnavailableError } from '../../../src/adapters/nats/nats-unavailable.error.js';
import { NatsNames } from '../../../src/adapters/nats/nats-names.js';
import type { SseGapNotice } from '../../../src/interfaces/streaming-adapter.interface.js';
import { ChatClient, type ChatClient as Chat } from '../redis/cluster-apps.js';
import { freePort } from '../redis/redis-test-env.js';
import { SseClient } from '../redis/sse-client.js';
import { startNatsApp, type NatsClusterApp } from './nats-cluster-apps.js';
import { PrivateNats, uniqueNatsPrefix } from './nats-test-env.js';
import { waitFor } from '../../support/wait-for.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

async function expectStartFailure(adapter: NatsStreamingAdapter, pattern: RegExp): Promise<string> {
  let message = '';
  @Module({ imports: [ForgeStreamingModule.forRoot({ adapter })] })
  class StrictModule {}
  const app = await NestFactory.create(StrictModule, { logger: false });
  try {
    await assert.rejects(app.init(), (error: unknown) => {
      assert.ok(error instanceof NatsUnavailableError, String(error));
      assert.match(error.message, pattern);
      message = error.message;
      return true;
    });
    assert.equal(adapter.health().status, 'down');
  } finally {
    await app.close();
  }
  return message;
}

describe('NATS faults (private nats-server)', () => {
  let server: PrivateNats;
  const apps: NatsClusterApp[] = [];
  const clients: Chat[] = [];
  const streams: SseClient[] = [];

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await PrivateNats.create();
  });

  after(async () => {
    for (const client of clients) await client.close();
    for (const stream of streams) stream.close();
    for (const { app } of apps) await app.close();
    await server.destroy();
    process.off('unhandledRejection', onUnhandled);
  });

  test('start-up fails with a clear NatsUnavailableError when NATS does not answer', async () => {
    const adapter = new NatsStreamingAdapter({
      servers: `nats://user:secret@127.0.0.1:${server.port}`,
      connectTimeoutMs: 500,
    });
    const message = await expectStartFailure(adapter, new RegExp(`127\\.0\\.0\\.1:${server.port}`));
    assert.doesNotMatch(message, /secret/, 'credentials stay out of the message');
    await expectStartFailure(
      new NatsStreamingAdapter({ servers: server.url, connectTimeoutMs: 500 }),
      /nats-server with JetStream/,
    );
    assert.deepEqual(unhandled, []);
  });

  test('start-up fails with NatsUnavailableError when the server has no JetStream', async () => {
    const port = await freePort();
    const plain = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
    });
    try {
      await waitFor(async () => {
        try {
          const probe = await connect({ servers: `127.0.0.1:${port}` });
          await probe.close();
          return true;
        } catch {
          return false;
        }
      }, 'the plain server to accept clients');
      await expectStartFailure(
        new NatsStreamingAdapter({ servers: `nats://127.0.0.1:${port}`, connectTimeoutMs: 500 }),
        /JetStream is not enabled/,
      );
    } finally {
      plain.kill('SIGKILL');
    }
  });

  test('malformed messages on the adapter subjects are ignored; the instance keeps serving', async () => {
    await server.start();
    const prefix = uniqueNatsPrefix('bad');
    const names = new NatsNames(prefix);
    const a = await startNatsApp({ servers: server.url, prefix });
    apps.push(a);
    const member = await ChatClient.connect(a.port, 'steady');
    clients.push(member);
    const nc = await connect({ servers: server.url });
    try {
      for (const raw of ['', 'no newline', 'x\n{', 'x\n[1]', 'x\n{"filters":3}', 'x\nnull']) {
        nc.publish(names.broadcast, raw);
        nc.publish(names.room('steady'), raw);
        nc.publish(names.presence, raw);
        nc.publish(names.gap, raw);
      }
      const reply = await nc.request(names.instance(a.manager.instanceId), 'x\n{"type":"bogus"}', {
        timeout: 2000,
      });
      assert.equal(reply.string(), '0', 'a malformed command is answered "not applied"');
      const unknown = await nc.request(
        names.instance(a.manager.instanceId),
        'x\n{"type":"send","connectionId":"nope","message":{"type":"text","text":"x"}}',
        { timeout: 2000 },
      );
      assert.equal(unknown.string(), '0', 'a command for an unknown connection is not applied');
      await nc.flush();
    } finally {
      await nc.close();
    }
    await a.manager.to('steady').broadcast({ still: 'alive' });
    await waitFor(() => member.received.length === 1, 'local delivery after the junk');
    assert.deepEqual(member.received, [{ still: 'alive' }]);
    assert.equal(a.adapter.health().status, 'up');
    assert.deepEqual(unhandled, []);
  });

  test('NATS goes away and comes back: degraded meanwhile, no late delivery, registry rewritten, SSE resets', async () => {
    const prefix = uniqueNatsPrefix('outage');
    const a = await startNatsApp({ servers: server.url, prefix });
    const b = await startNatsApp({ servers: server.url, prefix });
    apps.push(a, b);
    const bob = await ChatClient.connect(b.port, 'ops');
    clients.push(bob);
    const feed = await SseClient.open(b.port, '/feed');
    streams.push(feed);
    await waitFor(() => feed.named('ready').length === 1, 'the SSE greeting');
    await waitFor(async () => (await a.manager.presence('ops')).length === 1, 'bob listed');
    await a.manager.broadcast(new StreamEvent('tick', { n: 1 }), protocol('sse'));
    await waitFor(() => feed.named('tick').length === 1, 'a tick before the outage');
    const seenBeforeOutage = feed.named('tick')[0]!.id!;
    const gapsOnB: SseGapNotice[] = [];
    b.adapter.history.onGap((notice) => gapsOnB.push(notice));

    await server.kill();
    await waitFor(
      () => a.adapter.health().status === 'degraded' && b.adapter.health().status === 'degraded',
      'both instances to report degraded',
    );
    const during = await a.manager.to('ops').broadcast({ text: 'during' });
    assert.equal(during.delivered, 0);
    assert.equal(await a.manager.describeConnection(bob.id), undefined);
    assert.deepEqual(await a.manager.presence('nobody'), []);
    assert.equal(await a.manager.disconnect(bob.id), false);
    await a.manager.getClusterStats();
    assert.equal(await a.adapter.history.lastId('/feed'), undefined);
    assert.equal((await a.adapter.history.replay('/feed', seenBeforeOutage)).gap, true);
    const lostTick = await a.manager.broadcast(new StreamEvent('tick', { n: 2 }), protocol('sse'));
    assert.equal(lostTick.published, true);

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
      'the outage message was not delivered late',
    );
    await waitFor(async () => {
      const descriptor = await a.manager.describeConnection(bob.id);
      return descriptor?.instanceId === b.manager.instanceId;
    }, 'the registry to be rewritten after the reconnection');
    await waitFor(
      () => gapsOnB.some((n) => n.reason === 'resubscribed'),
      'b to signal the gap of its interrupted subscriptions',
    );
    await waitFor(
      () => feed.named('stream-reset').some((e) => /resubscribed|publish-lost/.test(e.data)),
      'the open SSE stream to get the reset event for the gap',
    );
    assert.equal(feed.named('tick').length, 1, 'the lost tick was not delivered late');
    const resumed = await SseClient.open(a.port, '/feed', seenBeforeOutage);
    streams.push(resumed);
    await waitFor(
      () => resumed.named('stream-reset').some((e) => JSON.parse(e.data).reason === 'history-gap'),
      'a resume from before the outage to get the reset event (its tick was lost)',
    );
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  test('the app shuts down promptly while NATS is down', async () => {
    const prefix = uniqueNatsPrefix('shutdown');
    const a = await startNatsApp({ servers: server.url, prefix });
    await server.kill();
    await waitFor(() => a.adapter.health().status === 'degraded', 'degraded');
    const started = Date.now();
    await a.app.close();
    assert.ok(Date.now() - started < 10_000, 'closed within the drain time');
    assert.equal(a.adapter.health().status, 'down');
    assert.equal(a.app.get(StreamingManager).health().status, 'down');
    await server.start();
  });
});
