import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { ChatClient, startClusterApp, type ClusterApp } from '../redis/cluster-apps.js';
import { PrivateRedis, testClient, uniquePrefix } from '../redis/redis-test-env.js';
import { delay, waitFor } from '../../support/wait-for.js';

// Redis killed and restarted (the process) is test/e2e/redis/redis-faults.spec.ts; here the
// server stays up and drops or freezes the adapter's connections. A private redis-server: a
// `CLIENT PAUSE` on the shared one would freeze every other spec.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

/** Texts a client received, in order. */
function texts(client: ChatClient): string[] {
  return client.received.map((message) => (message as { text: string }).text);
}

describe('backend faults while broadcasting (private redis-server)', () => {
  let server: PrivateRedis;
  let admin: Redis;
  let a: ClusterApp;
  let b: ClusterApp;
  const clients: ChatClient[] = [];

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await PrivateRedis.create();
    await server.start();
    admin = testClient(server.url);
    const prefix = uniquePrefix('faults');
    a = await startClusterApp({ url: server.url, keyPrefix: prefix });
    b = await startClusterApp({ url: server.url, keyPrefix: prefix });
  });

  after(async () => {
    for (const client of clients) await client.close();
    await a.app.close();
    await b.app.close();
    admin.disconnect();
    await server.kill();
    process.off('unhandledRejection', onUnhandled);
  });

  /** Two members of `room` on instance A, one on B. */
  async function members(room: string): Promise<{ local: ChatClient; remote: ChatClient }> {
    const local = await ChatClient.connect(a.port, room);
    const remote = await ChatClient.connect(b.port, room);
    clients.push(local, remote);
    await a.manager.to(room).broadcast({ text: 'warm-up' });
    await waitFor(() => remote.received.length === 1, 'the remote member to hear the warm-up');
    return { local, remote };
  }

  /** Broadcasts `count` numbered messages from A, `gapMs` apart. */
  async function broadcastSeries(room: string, label: string, count: number, gapMs: number) {
    for (let i = 0; i < count; i += 1) {
      await a.manager.to(room).broadcast({ text: `${label}-${i}` });
      await delay(gapMs);
    }
  }

  test('CLIENT KILL of every adapter connection mid-broadcast: no crash, local delivery goes on, remote delivery comes back', async () => {
    const { local, remote } = await members('kill');
    const series = broadcastSeries('kill', 'during', 20, 10);
    await delay(50);
    const killed = await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    const killedPubSub = await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await series;
    assert.ok(Number(killed) + Number(killedPubSub) > 0, 'no connection was killed');
    await waitFor(
      () => texts(local).filter((t) => t.startsWith('during-')).length === 20,
      'every broadcast at the local member',
    );
    await waitFor(
      async () => {
        await a.manager.to('kill').broadcast({ text: 'after' });
        return texts(remote).includes('after');
      },
      'remote delivery after the kill',
      10_000,
      250,
    );
    assert.deepEqual(unhandled, [], 'unhandled rejections');
  });

  test('CLIENT PAUSE while broadcasting: local delivery is not held up, remote delivery resumes after', async () => {
    const { local, remote } = await members('pause');
    await admin.call('CLIENT', 'PAUSE', 3_000, 'ALL');
    const started = Date.now();
    // Not awaited: a broadcast settles once its publish is through, after the pause.
    const series = Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        a.manager.to('pause').broadcast({ text: `paused-${i}` }),
      ),
    );
    await waitFor(
      () => texts(local).filter((t) => t.startsWith('paused-')).length === 10,
      'every broadcast at the local member',
    );
    const localMs = Date.now() - started;
    // The SSE history append waits for Redis at most STAMP_TIMEOUT_MS (1 s).
    assert.ok(localMs < 2_000, `local delivery took ${localMs} ms during a 3 s pause`);
    const results = await series;
    assert.ok(
      results.every((r) => r.delivered === 1),
      'a broadcast reported no local delivery',
    );
    await waitFor(
      async () => {
        await a.manager.to('pause').broadcast({ text: 'after' });
        return texts(remote).includes('after');
      },
      'remote delivery after the pause',
      12_000,
      250,
    );
    assert.equal(a.app.getHttpServer().listening, true);
    assert.deepEqual(unhandled, [], 'unhandled rejections');
  });
});
