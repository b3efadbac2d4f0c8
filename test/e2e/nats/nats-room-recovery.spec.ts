import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsStreamingAdapter } from '../../../src/adapters/nats/nats-streaming.adapter.js';
import { NatsRoomHistoryStore } from '../../../src/adapters/nats/nats-room-history.store.js';
import { NatsNames } from '../../../src/adapters/nats/nats-names.js';
import type { JetStreamHandles } from '../../../src/adapters/nats/nats-jetstream.js';
import {
  EnvelopeClient,
  startRecoveryApp,
  type RecoveryApp,
} from '../recovery/recovery-fixture.js';
import { NATS_URL, deleteNatsPrefix, uniqueNatsPrefix } from './nats-test-env.js';
import { waitFor } from '../../support/wait-for.js';

const prefix = uniqueNatsPrefix('recovery');
const names = new NatsNames(prefix);
const LIMITS = { size: 3, ttlMs: 0 };
let nc: NatsConnection;
let handles: JetStreamHandles;
let store: NatsRoomHistoryStore;
const apps: RecoveryApp[] = [];

function startInstance(): Promise<RecoveryApp> {
  const adapter = new NatsStreamingAdapter({ servers: NATS_URL, prefix, heartbeatMs: 200 });
  return startRecoveryApp({
    adapter,
    rooms: { history: { 'chat:*': { size: 100, ttlMs: 60_000 } } },
  });
}

before(async () => {
  nc = await connect({ servers: NATS_URL });
  handles = { js: jetstream(nc), jsm: await jetstreamManager(nc) };
  store = new NatsRoomHistoryStore(() => handles, names);
});

after(async () => {
  for (const app of apps) await app.app.close();
  await nc.close();
  await deleteNatsPrefix(prefix);
});

describe('JetStream room history', () => {
  test('offsets of one epoch grow with every append; since() returns the events after one', async () => {
    const a = await store.append('r1', 'e', { n: 1 }, LIMITS);
    await store.append('other', 'e', { n: 0 }, LIMITS);
    const b = await store.append('r1', 'e', { n: 2 }, LIMITS);
    const c = await store.append('r1', 'e', undefined, LIMITS);
    const [epochA, seqA] = a.offset.split(':');
    const [epochB, seqB] = b.offset.split(':');
    assert.equal(epochA, epochB);
    assert.ok(Number(seqB) > Number(seqA));
    assert.deepEqual(await store.since('r1', a.offset), {
      recovered: true,
      entries: [
        { offset: b.offset, event: 'e', data: { n: 2 }, at: b.at },
        { offset: c.offset, event: 'e', data: undefined, at: c.at },
      ],
    });
    assert.deepEqual(await store.since('r1', c.offset), { recovered: true, entries: [] });
    assert.equal(await store.latest('r1'), c.offset);
  });

  test('trimmed past the offset is too-old; an unknown epoch, a future seq or another room is epoch-changed', async () => {
    const first = await store.append('r2', 'e', 1, LIMITS);
    for (let i = 0; i < 4; i += 1) await store.append('r2', 'e', i, LIMITS);
    assert.deepEqual(await store.since('r2', first.offset), {
      recovered: false,
      reason: 'too-old',
    });
    const [epoch] = first.offset.split(':');
    assert.deepEqual(await store.since('r2', `${epoch}:999999`), {
      recovered: false,
      reason: 'epoch-changed',
    });
    assert.deepEqual(await store.since('r2', 'other:1'), {
      recovered: false,
      reason: 'epoch-changed',
    });
    const elsewhere = await store.append('r2-neighbour', 'e', 1, LIMITS);
    await store.append('r2', 'e', 'after', LIMITS);
    assert.deepEqual(await store.since('r2', elsewhere.offset), {
      recovered: false,
      reason: 'epoch-changed',
    });
    assert.deepEqual(await store.since('never-used', first.offset), {
      recovered: false,
      reason: 'unknown-room',
    });
  });

  test('a room sharing the stream with a larger history still answers too-old past its own size', async () => {
    const big = { size: 50, ttlMs: 0 };
    await store.append('big-room', 'e', 0, big);
    const first = await store.append('small-room', 'e', 1, LIMITS);
    for (let i = 0; i < 4; i += 1) await store.append('small-room', 'e', i, LIMITS);
    assert.deepEqual(await store.since('small-room', first.offset), {
      recovered: false,
      reason: 'too-old',
    });
  });

  test('a deleted and recreated stream starts a new epoch: older offsets are epoch-changed', async () => {
    const before = await store.append('r3', 'e', 1, LIMITS);
    await handles.jsm.streams.delete(names.roomHistoryStream);
    assert.deepEqual(await store.since('r3', before.offset), {
      recovered: false,
      reason: 'unknown-room',
    });
    const after = await store.append('r3', 'e', 2, LIMITS);
    assert.notEqual(after.offset.split(':')[0], before.offset.split(':')[0]);
    assert.deepEqual(await store.since('r3', before.offset), {
      recovered: false,
      reason: 'epoch-changed',
    });
  });

  test('seq 0 of the epoch asks for every event of the room, too-old once the stream dropped one', async () => {
    await handles.jsm.streams.delete(names.roomHistoryStream);
    const first = await store.append('r5', 'e', 1, LIMITS);
    await store.append('other', 'e', 0, LIMITS);
    const second = await store.append('r5', 'e', 2, LIMITS);
    const epoch = first.offset.split(':')[0];
    assert.deepEqual(await store.since('r5', `${epoch}:0`), {
      recovered: true,
      entries: [
        { offset: first.offset, event: 'e', data: 1, at: first.at },
        { offset: second.offset, event: 'e', data: 2, at: second.at },
      ],
    });
    for (let n = 3; n <= 5; n += 1) await store.append('r5', 'e', n, LIMITS);
    assert.deepEqual(await store.since('r5', `${epoch}:0`), {
      recovered: false,
      reason: 'too-old',
    });
  });

  test('events older than ttlMs are gone: too-old', async () => {
    const limits = { size: 100, ttlMs: 40 };
    const first = await store.append('r4', 'e', 1, limits);
    await store.append('r4', 'e', 2, limits);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(await store.since('r4', first.offset), {
      recovered: false,
      reason: 'too-old',
    });
  });

  test('a client that left the first instance recovers on the second exactly the events it missed', async () => {
    const first = await startInstance();
    apps.push(first);
    const second = await startInstance();
    apps.push(second);
    const room = 'chat:x';
    const live = await EnvelopeClient.connect(first.port, `join=${room}`);
    let lastSeen: string;
    try {
      await waitFor(
        () => [...first.rooms.channels].some((channel) => channel.connection.rooms.has(room)),
        'the client to join',
      );
      await first.rooms.emit(room, 'chat.message', { text: 'seen' });
      const seen = await live.next((e) => e.event === 'chat.message');
      lastSeen = String(seen.offset);
    } finally {
      await live.close();
    }
    const missed: string[] = [];
    for (const text of ['m1', 'm2', 'm3']) {
      missed.push((await first.rooms.emit(room, 'chat.message', { text }))!);
    }
    const client = await EnvelopeClient.connect(
      second.port,
      `join=${room}&recover=${encodeURIComponent(`${room}@${lastSeen}`)}`,
    );
    try {
      const recovered = await client.next((e) => e.event === '$recovered');
      assert.deepEqual(recovered.data, { room, recovered: true });
      assert.deepEqual(
        client.events('chat.message').map((e) => [e.offset, (e.data as { text: string }).text]),
        [
          [missed[0], 'm1'],
          [missed[1], 'm2'],
          [missed[2], 'm3'],
        ],
      );
    } finally {
      await client.close();
    }
  });
});
