import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterChannelCounters } from '../../../src/interfaces/streaming-adapter.interface.js';
import { ChatClient } from '../redis/cluster-apps.js';
import { startNatsApp, type NatsClusterApp } from './nats-cluster-apps.js';
import { NATS_URL, deleteNatsPrefix, uniqueNatsPrefix } from './nats-test-env.js';
import { delay, waitFor } from '../../support/wait-for.js';

const LINGER_MS = 150;

describe('per-room subjects across four instances on NATS', () => {
  const prefix = uniqueNatsPrefix('rooms');
  const apps: NatsClusterApp[] = [];
  const clients: ChatClient[] = [];

  async function member(app: NatsClusterApp, room: string): Promise<ChatClient> {
    const client = await ChatClient.connect(app.port, room);
    clients.push(client);
    return client;
  }

  function counters(app: NatsClusterApp): AdapterChannelCounters {
    return app.adapter.channelCounters();
  }

  before(async () => {
    for (let i = 0; i < 4; i += 1) {
      apps.push(await startNatsApp({ servers: NATS_URL, prefix, roomSubjectLingerMs: LINGER_MS }));
    }
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(apps.map((app) => app.app.close()));
    await deleteNatsPrefix(prefix);
  });

  test('each instance decodes only the broadcasts of rooms it has members in; unscoped ones reach all', async () => {
    const [a, b, c, d] = apps as [NatsClusterApp, NatsClusterApp, NatsClusterApp, NatsClusterApp];
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
    assert.equal(counters(a).subscribedRooms, 0);
    assert.equal(counters(b).subscribedRooms, 1);
    assert.equal(counters(d).subscribedRooms, 2);
  });

  test('an instance unsubscribes from a room after its last local member left, and not before the linger time', async () => {
    const [a, b] = apps as [NatsClusterApp, NatsClusterApp];
    const roomsBefore = counters(b).subscribedRooms;
    const first = await member(b, 'yellow');
    assert.equal(counters(b).subscribedRooms, roomsBefore + 1);
    await first.close();
    // a member coming back within the linger time keeps the subscription (no storm)
    const second = await member(b, 'yellow');
    await delay(LINGER_MS * 2);
    assert.equal(counters(b).subscribedRooms, roomsBefore + 1);
    await waitFor(async () => (await a.manager.presence('yellow')).length === 1, 'the member');
    let decoded = counters(b).decoded.room;
    await a.manager.to('yellow').broadcast({ from: 'a', text: 'heard' });
    await waitFor(() => second.received.length === 1, 'the broadcast while subscribed');
    assert.equal(counters(b).decoded.room, decoded + 1);
    await second.close();
    await waitFor(() => counters(b).subscribedRooms === roomsBefore, 'b to unsubscribe yellow');
    decoded = counters(b).decoded.room;
    await a.manager.to('yellow').broadcast({ from: 'a', text: 'nobody listens' });
    await delay(100);
    assert.equal(counters(b).decoded.room, decoded, 'b no longer decodes yellow broadcasts');
  });
});
