import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import type { AdapterChannelCounters } from '../../../src/interfaces/streaming-adapter.interface.js';
import { ChatClient, startClusterApp, type ClusterApp } from './cluster-apps.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from './redis-test-env.js';
import { delay, waitFor } from '../../support/wait-for.js';

const LINGER_MS = 150;

describe('per-room channels across four instances', () => {
  const prefix = uniquePrefix('room-channels');
  let redis: Redis;
  const apps: ClusterApp[] = [];
  const clients: ChatClient[] = [];

  async function member(app: ClusterApp, room: string): Promise<ChatClient> {
    const client = await ChatClient.connect(app.port, room);
    clients.push(client);
    return client;
  }

  function counters(app: ClusterApp): AdapterChannelCounters {
    return app.adapter.channelCounters();
  }

  async function shardSubscribers(room: string): Promise<number> {
    const reply = (await redis.call(
      'PUBSUB',
      'SHARDNUMSUB',
      `${prefix}channel:room:{${room}}`,
    )) as [string, number];
    return Number(reply[1]);
  }

  before(async () => {
    redis = testClient();
    for (let i = 0; i < 4; i += 1) {
      apps.push(
        await startClusterApp({
          url: REDIS_URL,
          keyPrefix: prefix,
          roomChannelLingerMs: LINGER_MS,
        }),
      );
    }
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(apps.map((app) => app.app.close()));
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  test('each instance decodes only the broadcasts of rooms it has members in; unscoped ones reach all', async () => {
    const [a, b, c, d] = apps as [ClusterApp, ClusterApp, ClusterApp, ClusterApp];
    // rooms: red on b and d, green on c, blue on d, grey nowhere; a only publishes
    const onB = await member(b, 'red');
    const onC = await member(c, 'green');
    const redOnD = await member(d, 'red');
    const blueOnD = await member(d, 'blue');
    await waitFor(
      async () =>
        (await a.manager.presence('red')).length === 2 &&
        (await a.manager.presence('green')).length === 1 &&
        (await a.manager.presence('blue')).length === 1,
      'every member listed in the registry',
    );
    assert.equal(await shardSubscribers('red'), 2, 'two instances listen to red (sharded pub/sub)');
    assert.equal(await shardSubscribers('grey'), 0);
    const before = apps.map(counters);

    const rounds = 5;
    for (let i = 0; i < rounds; i += 1) {
      for (const room of ['red', 'green', 'blue', 'grey']) {
        await a.manager.to(room).broadcast({ from: 'a', text: `${room} ${i}` });
      }
    }
    await waitFor(
      () =>
        onB.received.length === rounds &&
        onC.received.length === rounds &&
        redOnD.received.length === rounds &&
        blueOnD.received.length === rounds,
      'every member to receive its room broadcasts',
    );
    await a.manager.broadcast({ from: 'a', text: 'everyone' });
    await waitFor(
      () => [onB, onC, redOnD, blueOnD].every((client) => client.received.length === rounds + 1),
      'the unscoped broadcast to reach every member',
    );

    const delta = apps.map((app, i) => {
      const now = counters(app);
      const then = before[i]!;
      return {
        publishedRoom: now.published.room - then.published.room,
        publishedGlobal: now.published.global - then.published.global,
        decodedRoom: now.decoded.room - then.decoded.room,
        decodedGlobal: now.decoded.global - then.decoded.global,
      };
    });
    assert.deepEqual(delta[0], {
      publishedRoom: rounds * 4,
      publishedGlobal: 1,
      decodedRoom: 0,
      decodedGlobal: 0,
    });
    assert.deepEqual(
      delta.slice(1).map((entry) => [entry.decodedRoom, entry.decodedGlobal]),
      [
        [rounds, 1], // b: red only
        [rounds, 1], // c: green only
        [rounds * 2, 1], // d: red and blue
      ],
    );
    assert.deepEqual(onB.received[0], { from: 'a', text: 'red 0' });
    assert.equal(counters(b).subscribedRooms, 1);
    assert.equal(counters(d).subscribedRooms, 2);
  });

  test('an instance unsubscribes from a room after its last local member left, and not before the linger time', async () => {
    const [a, b] = apps as [ClusterApp, ClusterApp];
    const first = await member(b, 'yellow');
    await waitFor(async () => (await shardSubscribers('yellow')) === 1, 'b to subscribe yellow');
    await first.close();
    // a member coming back within the linger time keeps the subscription (no storm)
    const second = await member(b, 'yellow');
    await delay(LINGER_MS * 2);
    assert.equal(await shardSubscribers('yellow'), 1);
    await second.close();
    await waitFor(async () => (await shardSubscribers('yellow')) === 0, 'b to unsubscribe yellow');
    const decoded = counters(b).decoded.room;
    await a.manager.to('yellow').broadcast({ from: 'a', text: 'nobody listens' });
    await delay(100);
    assert.equal(counters(b).decoded.room, decoded, 'b no longer decodes yellow broadcasts');
  });
});
