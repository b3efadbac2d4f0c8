import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { PresenceEvent } from '../../../src/index.js';
import { ChatClient, startClusterApp, type ClusterApp } from './cluster-apps.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from './redis-test-env.js';
import { waitFor } from '../../support/wait-for.js';

describe('two instances sharing one Redis', () => {
  const prefix = uniquePrefix('two-instances');
  let redis: Redis;
  let a: ClusterApp;
  let b: ClusterApp;
  const clients: ChatClient[] = [];

  async function connect(app: ClusterApp, room: string): Promise<ChatClient> {
    const client = await ChatClient.connect(app.port, room);
    clients.push(client);
    // registry writes are asynchronous: wait until the other instance can address the client
    const other = app === a ? b : a;
    await waitFor(
      async () => (await other.manager.describeConnection(client.id)) !== undefined,
      'the client in the shared registry',
    );
    return client;
  }

  before(async () => {
    redis = testClient();
    a = await startClusterApp({ url: REDIS_URL, keyPrefix: prefix });
    b = await startClusterApp({ url: REDIS_URL, keyPrefix: prefix });
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await a?.app.close();
    await b?.app.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  test('a chat room spans both instances: members on the other instance get the message, the sender and other rooms do not', async () => {
    const alice = await connect(a, 'lobby');
    const bob = await connect(b, 'lobby');
    const carol = await connect(b, 'kitchen');
    assert.equal(a.adapter.health().status, 'up');
    alice.send('hello from a');
    await waitFor(() => bob.received.length === 1, 'bob to receive alice');
    assert.deepEqual(bob.received[0], { from: alice.id, text: 'hello from a' });
    bob.send('hello from b');
    await waitFor(() => alice.received.length === 1, 'alice to receive bob');
    assert.deepEqual(alice.received[0], { from: bob.id, text: 'hello from b' });
    assert.equal(bob.received.length, 1, 'the sender does not get its own message');
    assert.deepEqual(carol.received, [], 'another room gets nothing');
  });

  test('join, describe and disconnect a connection living on the other instance', async () => {
    const dave = await connect(b, 'solo');
    assert.equal(a.manager.findConnection(dave.id), undefined, 'not local to a');
    assert.equal(await a.manager.join(dave.id, 'vip'), true);
    const described = await waitFor(async () => {
      const descriptor = await a.manager.describeConnection(dave.id);
      return descriptor?.rooms.includes('vip') ? descriptor : undefined;
    }, 'the registry to show the join');
    assert.equal(described.instanceId, b.manager.instanceId);
    assert.equal(described.protocol, 'websocket');
    assert.equal(described.route, '/chat/:room');
    const result = await a.manager.to('vip').broadcast({ from: 'a', text: 'vip only' });
    assert.equal(result.published, true);
    await waitFor(() => dave.received.length === 1, 'dave to receive the room broadcast');
    assert.deepEqual(dave.received[0], { from: 'a', text: 'vip only' });

    assert.equal(await a.manager.disconnect(dave.id, 4001, 'bye'), true);
    await waitFor(() => dave.closeCode === 4001, 'dave to be closed with 4001');
    await waitFor(
      async () => (await a.manager.describeConnection(dave.id)) === undefined,
      'the registry to forget dave',
    );
    assert.equal(await a.manager.disconnect('no-such-connection'), false);
  });

  test('getClusterStats counts the connections of both instances', async () => {
    const expected = async (): Promise<number> =>
      a.manager.getStats().activeConnections + b.manager.getStats().activeConnections;
    await connect(a, 'stats');
    await connect(b, 'stats');
    const stats = await waitFor(async () => {
      const total = await expected();
      const current = await a.manager.getClusterStats();
      return current.cluster?.instances === 2 &&
        current.cluster.activeConnections === total &&
        current.cluster.byProtocol.websocket === total
        ? current
        : undefined;
    }, 'cluster figures covering both instances');
    assert.ok(stats.cluster!.activeConnections >= 2);
    assert.equal(stats.activeConnections, a.manager.getStats().activeConnections);
  });

  test('presence spans instances: members of both are listed, remote joins and leaves are notified', async () => {
    const events: PresenceEvent[] = [];
    const subscription = a.manager.presence$.subscribe((event) => {
      if (event.room === 'presence-room') events.push(event);
    });
    try {
      const local = await connect(a, 'presence-room');
      const remote = await connect(b, 'presence-room');
      await waitFor(
        () => events.some((e) => e.type === 'join' && e.member.connectionId === remote.id),
        'a to see the remote join',
      );
      const join = events.find((e) => e.member.connectionId === remote.id)!;
      assert.equal(join.member.instanceId, b.manager.instanceId);
      const members = await a.manager.presence('presence-room');
      assert.deepEqual(
        members.map((m) => [m.connectionId, m.instanceId]).sort(),
        [
          [local.id, a.manager.instanceId],
          [remote.id, b.manager.instanceId],
        ].sort(),
      );
      await remote.close();
      await waitFor(
        () => events.some((e) => e.type === 'leave' && e.member.connectionId === remote.id),
        'a to see the remote leave',
      );
      const after = await b.manager.presence('presence-room');
      assert.deepEqual(
        after.map((m) => m.connectionId),
        [local.id],
      );
    } finally {
      subscription.unsubscribe();
    }
  });
});
