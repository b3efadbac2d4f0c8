import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { StreamEvent, protocol } from '../../../src/index.js';
import { startClusterApp, type ClusterApp } from './cluster-apps.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from './redis-test-env.js';
import { waitFor } from '../../support/wait-for.js';
import { SseClient } from './sse-client.js';

describe('SSE across two instances', () => {
  const prefix = uniquePrefix('sse-cluster');
  let redis: Redis;
  let a: ClusterApp;
  let b: ClusterApp;
  const clients: SseClient[] = [];

  async function open(app: ClusterApp, path: string, lastEventId?: string): Promise<SseClient> {
    const client = await SseClient.open(app.port, path, lastEventId);
    clients.push(client);
    await waitFor(() => client.named('ready').length === 1, `${path} to greet`);
    return client;
  }

  before(async () => {
    redis = testClient();
    a = await startClusterApp({ url: REDIS_URL, keyPrefix: prefix });
    b = await startClusterApp({ url: REDIS_URL, keyPrefix: prefix });
  });

  after(async () => {
    for (const client of clients) client.close();
    await a?.app.close();
    await b?.app.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  test('a notification for a user reaches that user on the other instance, and no one else', async () => {
    const ann = await open(b, '/notifications?user=ann');
    const ben = await open(b, '/notifications?user=ben');
    await a.manager.toUser('ann').broadcast(new StreamEvent('notification', { text: 'for ann' }));
    await a.manager.toUser('ben').broadcast(new StreamEvent('notification', { text: 'for ben' }));
    await waitFor(() => ann.named('notification').length === 1, 'ann to be notified');
    await waitFor(() => ben.named('notification').length === 1, 'ben to be notified');
    assert.deepEqual(JSON.parse(ann.named('notification')[0].data), { text: 'for ann' });
    assert.deepEqual(JSON.parse(ben.named('notification')[0].data), { text: 'for ben' });
    assert.ok(ann.named('notification')[0].id, 'the event has an id');
  });

  test('a client resumes on the other instance with Last-Event-ID and gets exactly what it missed', async () => {
    const first = await open(b, '/feed');
    const send = (seq: number) =>
      a.manager.broadcast(new StreamEvent('tick', { seq }), protocol('sse'));
    await send(1);
    await send(2);
    await waitFor(() => first.named('tick').length === 2, 'two ticks on b');
    const lastSeen = first.named('tick')[1].id!;
    first.close();
    await waitFor(() => b.manager.getStats().byProtocol.sse <= 2, 'b to see the stream closed');
    await send(3);
    await send(4);

    const resumed = await SseClient.open(a.port, '/feed', lastSeen);
    clients.push(resumed);
    await waitFor(() => resumed.named('tick').length === 2, 'the missed ticks');
    await send(5);
    await waitFor(() => resumed.named('tick').length === 3, 'the live tick');
    assert.deepEqual(
      resumed.named('tick').map((e) => JSON.parse(e.data).seq),
      [3, 4, 5],
    );
    assert.equal(resumed.named('stream-reset').length, 0);
  });

  test('a resume from an id the cluster no longer holds gets the reset event', async () => {
    const resumed = await SseClient.open(b.port, '/feed', '1-0');
    clients.push(resumed);
    await waitFor(() => resumed.named('stream-reset').length === 1, 'the reset event');
    assert.equal(JSON.parse(resumed.named('stream-reset')[0].data).reason, 'history-gap');
  });
});
