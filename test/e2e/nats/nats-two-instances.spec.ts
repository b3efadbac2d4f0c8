import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEvent, protocol, type PresenceEvent } from '../../../src/index.js';
import { ChatClient } from '../redis/cluster-apps.js';
import { SseClient } from '../redis/sse-client.js';
import { startNatsApp, type NatsClusterApp } from './nats-cluster-apps.js';
import { NATS_URL, deleteNatsPrefix, uniqueNatsPrefix } from './nats-test-env.js';
import { waitFor } from '../../support/wait-for.js';

describe('two instances sharing one NATS server', () => {
  const prefix = uniqueNatsPrefix('two');
  let a: NatsClusterApp;
  let b: NatsClusterApp;
  const clients: Array<{ close(): unknown }> = [];

  async function connect(app: NatsClusterApp, room: string): Promise<ChatClient> {
    const client = await ChatClient.connect(app.port, room);
    clients.push(client);
    return client;
  }

  async function sse(app: NatsClusterApp, lastEventId?: string): Promise<SseClient> {
    const client = await SseClient.open(app.port, '/feed', lastEventId);
    clients.push(client);
    await waitFor(() => client.named('ready').length === 1, 'the SSE greeting');
    return client;
  }

  before(async () => {
    a = await startNatsApp({ servers: NATS_URL, prefix });
    b = await startNatsApp({ servers: NATS_URL, prefix });
  });

  after(async () => {
    for (const client of clients) await client.close();
    await a?.app.close();
    await b?.app.close();
    await deleteNatsPrefix(prefix);
  });

  test('a chat room spans both instances: the other instance gets the message, the sender and other rooms do not', async () => {
    const alice = await connect(a, 'lobby');
    const bob = await connect(b, 'lobby');
    const carol = await connect(b, 'kitchen');
    assert.equal(a.adapter.health().status, 'up');
    await waitFor(async () => (await a.manager.presence('lobby')).length === 2, 'both members');
    alice.send('hello from a');
    await waitFor(() => bob.received.length === 1, 'bob to receive alice');
    assert.deepEqual(bob.received[0], { from: alice.id, text: 'hello from a' });
    bob.send('hello from b');
    await waitFor(() => alice.received.length === 1, 'alice to receive bob');
    assert.deepEqual(alice.received[0], { from: bob.id, text: 'hello from b' });
    assert.equal(bob.received.length, 1, 'the sender does not get its own message');
    assert.deepEqual(carol.received, [], 'another room gets nothing');
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
      const remaining = await b.manager.presence('presence-room');
      assert.deepEqual(
        remaining.map((m) => m.connectionId),
        [local.id],
      );
    } finally {
      subscription.unsubscribe();
    }
  });

  test('a targeted send, a join and a disconnect reach a connection on the other instance', async () => {
    const dave = await connect(b, 'solo');
    assert.equal(a.manager.findConnection(dave.id), undefined, 'not local to a');
    await waitFor(
      async () => (await a.manager.describeConnection(dave.id)) !== undefined,
      'dave in the registry',
    );
    assert.equal(await a.manager.sendTo(dave.id, { direct: true }), true);
    await waitFor(() => dave.received.length === 1, 'the targeted send');
    assert.deepEqual(dave.received[0], { direct: true });
    assert.equal(await a.manager.join(dave.id, 'vip'), true);
    const described = await waitFor(async () => {
      const descriptor = await a.manager.describeConnection(dave.id);
      return descriptor?.rooms.includes('vip') ? descriptor : undefined;
    }, 'the registry to show the join');
    assert.equal(described.instanceId, b.manager.instanceId);
    assert.equal(described.route, '/chat/:room');
    await a.manager.to('vip').broadcast({ from: 'a', text: 'vip only' });
    await waitFor(() => dave.received.length === 2, 'the room broadcast after the join');
    assert.deepEqual(dave.received[1], { from: 'a', text: 'vip only' });
    assert.equal(await a.manager.disconnect(dave.id, 4001, 'bye'), true);
    await waitFor(() => dave.closeCode === 4001, 'dave to be closed with 4001');
    await waitFor(
      async () => (await a.manager.describeConnection(dave.id)) === undefined,
      'the registry to forget dave',
    );
    assert.equal(await a.manager.disconnect('no-such-connection'), false);
    assert.equal(await a.manager.sendTo('no-such-connection', { lost: true }), false);
  });

  test('an SSE stream resumes on the other instance with Last-Event-ID and gets exactly what it missed', async () => {
    const tick = (seq: number) =>
      a.manager.broadcast(new StreamEvent('tick', { seq }), protocol('sse'));
    const first = await sse(b);
    await tick(1);
    await tick(2);
    await waitFor(() => first.named('tick').length === 2, 'two live ticks on b');
    const lastSeen = first.named('tick')[1]!.id!;
    first.close();
    await tick(3);
    await tick(4);
    const resumed = await sse(a, lastSeen);
    await waitFor(() => resumed.named('tick').length === 2, 'the missed ticks on a');
    await tick(5);
    await waitFor(() => resumed.named('tick').length === 3, 'the live tick');
    assert.deepEqual(
      resumed.named('tick').map((e) => (JSON.parse(e.data) as { seq: number }).seq),
      [3, 4, 5],
    );
    assert.equal(resumed.named('stream-reset').length, 0);
    const bogus = await sse(b, `${lastSeen.split('-')[0]}1-1`);
    await waitFor(() => bogus.named('stream-reset').length === 1, 'a reset for an unknown id');
  });

  test('getClusterStats counts both instances; a graceful close leaves the cluster within a second', async () => {
    const c = await startNatsApp({ servers: NATS_URL, prefix });
    let closed = false;
    try {
      const member = await ChatClient.connect(c.port, 'leaving');
      clients.push(member);
      await waitFor(
        async () => (await a.manager.getClusterStats()).cluster?.instances === 3,
        'three instances in the cluster stats',
      );
      await waitFor(async () => (await a.manager.presence('leaving')).length === 1, 'the member');
      await c.app.close();
      closed = true;
      await waitFor(
        async () => (await a.manager.presence('leaving')).length === 0,
        'the closed instance member gone from presence',
        1000,
      );
      await waitFor(
        async () => (await a.manager.getClusterStats()).cluster?.instances === 2,
        'the closed instance gone from the cluster stats',
        1000,
      );
      assert.equal(await a.manager.describeConnection(member.id), undefined);
    } finally {
      if (!closed) await c.app.close();
    }
  });
});
