import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { StreamEvent, protocol } from '../../../src/index.js';
import { RedisStreamingAdapter } from '../../../src/adapters/redis/redis-streaming.adapter.js';
import {
  startConformanceApp,
  type ConformanceApp,
} from '../adapters/conformance/conformance-app.js';
import { MemberClient } from '../adapters/conformance/member-client.js';
import { SseClient } from '../redis/sse-client.js';
import { waitFor } from '../../support/wait-for.js';
import {
  clusterTestClient,
  deleteClusterKeys,
  masterOf,
  redisClusterNodes,
  redisClusterSkipReason,
} from './redis-cluster-env.js';

/** One room name per master of the cluster, so the rooms' keys and channels span every shard. */
function roomsOnEveryShard(): string[] {
  const byMaster = new Map<number, string>();
  for (let i = 0; byMaster.size < (redisClusterNodes()?.length ?? 0) && i < 200; i += 1) {
    const room = `shard-room-${i}`;
    const master = masterOf(room);
    if (!byMaster.has(master)) byMaster.set(master, room);
  }
  return [...byMaster.values()];
}

const skip = redisClusterSkipReason();

describe('three app instances on a Redis Cluster', { skip }, () => {
  const keyPrefix = `forge-cluster-e2e:${randomUUID().slice(0, 8)}:`;
  const timing = { heartbeatMs: 200, registryTtlMs: 1500, roomChannelLingerMs: 200, keyPrefix };
  const clients: MemberClient[] = [];
  let given: Cluster | undefined;
  let admin: Cluster | undefined;
  let apps: ConformanceApp[] = [];
  let rooms: string[] = [];

  const member = async (app: ConformanceApp, room: string): Promise<MemberClient> => {
    const client = await MemberClient.connect(app.port, room, {}, 'ws');
    clients.push(client);
    return client;
  };
  const decodedRoom = (app: ConformanceApp): number =>
    app.adapter.channelCounters?.().decoded.room ?? -1;

  before(async () => {
    const nodes = redisClusterNodes() ?? [];
    rooms = roomsOnEveryShard();
    admin = clusterTestClient();
    // the third instance is handed an ioredis Cluster of its own making
    given = clusterTestClient({ lazyConnect: true });
    await given.connect();
    apps = [
      await startConformanceApp(new RedisStreamingAdapter({ cluster: { nodes }, ...timing })),
      await startConformanceApp(new RedisStreamingAdapter({ cluster: { nodes }, ...timing })),
      await startConformanceApp(new RedisStreamingAdapter({ client: given, ...timing })),
    ];
  });

  after(async () => {
    for (const client of clients.splice(0)) await client.close().catch(() => undefined);
    for (const app of apps) await app.app.close();
    if (admin) {
      await deleteClusterKeys(admin, keyPrefix);
      admin.disconnect();
    }
    assert.equal(given?.status, 'ready', 'the adapter left the given Cluster open');
    given?.disconnect();
  });

  test('the rooms used here live on three different masters', () => {
    assert.equal(rooms.length, 3);
    assert.equal(new Set(rooms.map((room) => masterOf(room))).size, 3);
  });

  test('a room broadcast reaches the members on other instances, for rooms on every shard, and is decoded only where the room has members', async () => {
    const [a, b, c] = apps as [ConformanceApp, ConformanceApp, ConformanceApp];
    const members = await Promise.all(rooms.map((room) => member(b, room)));
    const bystander = await member(c, '-');
    for (const room of rooms) {
      await waitFor(
        async () => (await a.manager.presence(room)).length === 1,
        `the member of ${room}`,
      );
    }
    const decodedOnC = decodedRoom(c);
    for (const [i, room] of rooms.entries()) {
      await waitFor(async () => {
        await a.manager.to(room).broadcast({ case: `to-${room}` });
        return members[i]!.cases(`to-${room}`).length > 0;
      }, `the broadcast to ${room} on b`);
    }
    for (const [i, room] of rooms.entries()) {
      for (const [j, other] of rooms.entries()) {
        if (i !== j) assert.equal(members[j]!.cases(`to-${room}`).length, 0, `${other} is apart`);
      }
    }
    assert.ok(decodedRoom(b) >= rooms.length, 'b decoded the room broadcasts');
    assert.equal(decodedRoom(c), decodedOnC, 'c has no member of these rooms: it decoded none');
    assert.equal(bystander.cases(`to-${rooms[0]}`).length, 0);
  });

  test('presence, a targeted send and a disconnect cross instances whatever the shard', async () => {
    const [a, b, c] = apps as [ConformanceApp, ConformanceApp, ConformanceApp];
    const room = rooms[1]!;
    const onA = await member(a, room);
    const onC = await member(c, room);
    const listed = await waitFor(async () => {
      const ids = (await b.manager.presence(room)).map((m) => m.connectionId);
      return ids.includes(onA.id) && ids.includes(onC.id) ? ids : undefined;
    }, 'both new members listed on b');
    assert.ok(listed.length >= 2);
    assert.equal(await b.manager.sendTo(onC.id, { case: 'direct' }), true);
    await waitFor(() => onC.cases('direct').length === 1, 'the targeted message on c');
    assert.equal(onA.cases('direct').length, 0);
    assert.equal(await a.manager.disconnect(onC.id, 4003, 'bye'), true);
    await waitFor(() => onC.closeCode === 4003, 'the member on c closed');
    await waitFor(
      async () => !(await b.manager.presence(room)).some((m) => m.connectionId === onC.id),
      'the closed member to leave presence',
    );
    assert.equal(await b.manager.sendTo(`unknown-${randomUUID()}`, { case: 'x' }), false);
  });

  test('room history appended on one instance is recovered on another, for rooms on every shard', async () => {
    const [a, , c] = apps as [ConformanceApp, ConformanceApp, ConformanceApp];
    const limits = { size: 5, ttlMs: 0 };
    for (const room of rooms) {
      const first = await a.adapter.roomHistory!.append(room, 'note', { n: 1 }, limits);
      await a.adapter.roomHistory!.append(room, 'note', { n: 2 }, limits);
      const recovery = await c.adapter.roomHistory!.since(room, first.offset);
      assert.equal(recovery.recovered, true, room);
      assert.deepEqual(recovery.recovered ? recovery.entries.map((e) => e.data) : [], [{ n: 2 }]);
    }
  });

  test('an SSE stream resumes on another instance with Last-Event-ID', async () => {
    const [a, b, c] = apps as [ConformanceApp, ConformanceApp, ConformanceApp];
    const tick = (seq: number) =>
      a.manager.broadcast(new StreamEvent('tick', { seq }), protocol('sse'));
    const first = await SseClient.open(b.port, '/conf/sse');
    await waitFor(() => first.named('ready').length === 1, 'the greeting');
    await tick(1);
    await waitFor(() => first.named('tick').length === 1, 'the first tick');
    const lastSeen = first.named('tick')[0]!.id!;
    first.close();
    await tick(2);
    const resumed = await SseClient.open(c.port, '/conf/sse', lastSeen);
    try {
      await waitFor(() => resumed.named('tick').length === 1, 'the missed tick on c');
      assert.deepEqual(JSON.parse(resumed.named('tick')[0]!.data), { seq: 2 });
      assert.equal(resumed.named('stream-reset').length, 0);
    } finally {
      resumed.close();
    }
  });
});
