import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisStreamingAdapter } from '../../../src/adapters/redis/redis-streaming.adapter.js';
import { RedisRoomHistoryStore } from '../../../src/adapters/redis/redis-room-history.store.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from '../redis/redis-test-env.js';
import { EnvelopeClient, startRecoveryApp, type RecoveryApp } from './recovery-fixture.js';

const prefix = uniquePrefix('room-recovery');
const LIMITS = { size: 3, ttlMs: 0 };
let redis: Redis;
let store: RedisRoomHistoryStore;
const apps: RecoveryApp[] = [];

function startInstance(): Promise<RecoveryApp> {
  const adapter = new RedisStreamingAdapter({
    url: REDIS_URL,
    keyPrefix: prefix,
    heartbeatMs: 200,
  });
  return startRecoveryApp({
    adapter,
    rooms: { history: { 'chat:*': { size: 100, ttlMs: 60_000 } } },
  });
}

before(async () => {
  redis = testClient();
  store = new RedisRoomHistoryStore(() => redis, prefix);
});

after(async () => {
  for (const app of apps) await app.app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe('Redis Streams room history', () => {
  test('appends get contiguous offsets of one epoch and since() returns the events after one', async () => {
    const a = await store.append('r1', 'e', { n: 1 }, LIMITS);
    const b = await store.append('r1', 'e', { n: 2 }, LIMITS);
    const c = await store.append('r1', 'e', undefined, LIMITS);
    const [epoch, seq] = a.offset.split(':');
    assert.equal(b.offset, `${epoch}:${Number(seq) + 1}`);
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

  test('trimmed past the offset is too-old; an unknown epoch or a future seq is epoch-changed', async () => {
    const first = await store.append('r2', 'e', 1, LIMITS);
    for (let i = 0; i < 4; i += 1) await store.append('r2', 'e', i, LIMITS);
    assert.deepEqual(await store.since('r2', first.offset), {
      recovered: false,
      reason: 'too-old',
    });
    const [epoch] = first.offset.split(':');
    assert.deepEqual(await store.since('r2', `${epoch}:999`), {
      recovered: false,
      reason: 'epoch-changed',
    });
    assert.deepEqual(await store.since('r2', `other:1`), {
      recovered: false,
      reason: 'epoch-changed',
    });
  });

  test('a room that never had a log is unknown-room, whatever the offset', async () => {
    const elsewhere = await store.append('r5', 'e', 1, LIMITS);
    assert.deepEqual(await store.since('never-used', elsewhere.offset), {
      recovered: false,
      reason: 'unknown-room',
    });
    assert.deepEqual(await store.since('never-used', 'abc:1'), {
      recovered: false,
      reason: 'unknown-room',
    });
    assert.equal(await store.latest('never-used'), undefined);
    assert.equal(await redis.exists(store.metaKey('never-used'), store.logKey('never-used')), 0);
  });

  test('a flushed room log has no log (unknown-room), then starts a new epoch: older offsets are epoch-changed', async () => {
    const before = await store.append('r3', 'e', 1, LIMITS);
    await redis.del(store.logKey('r3'), store.metaKey('r3'));
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

  test('a client whose room log was flushed hears epoch-changed (the room keeps history)', async () => {
    const app = await startInstance();
    apps.push(app);
    const offset = (await app.rooms.emit('chat:flushed', 'chat.message', { text: 'a' }))!;
    await redis.del(store.logKey('chat:flushed'), store.metaKey('chat:flushed'));
    const client = await EnvelopeClient.connect(
      app.port,
      `join=chat:flushed&recover=${encodeURIComponent(`chat:flushed@${offset}`)}`,
    );
    try {
      const recovered = await client.next((e) => e.event === '$recovered');
      assert.deepEqual(recovered.data, {
        room: 'chat:flushed',
        recovered: false,
        reason: 'epoch-changed',
      });
    } finally {
      await client.close();
    }
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

  test('both keys of a room carry the room as one hash tag (one Redis Cluster slot)', () => {
    const tag = (key: string): string => /\{([^}]*)\}/.exec(key)?.[1] ?? '';
    assert.equal(tag(store.logKey('lobby')), 'lobby');
    assert.equal(tag(store.metaKey('lobby')), 'lobby');
  });

  test('a client recovers on a second instance the events published on the first', async () => {
    const first = await startInstance();
    apps.push(first);
    const second = await startInstance();
    apps.push(second);
    const offsets: string[] = [];
    for (const text of ['a', 'b', 'c']) {
      offsets.push((await first.rooms.emit('chat:x', 'chat.message', { text }))!);
    }
    const client = await EnvelopeClient.connect(
      second.port,
      `join=chat:x&recover=${encodeURIComponent(`chat:x@${offsets[0]}`)}`,
    );
    try {
      const recovered = await client.next((e) => e.event === '$recovered');
      assert.deepEqual(recovered.data, { room: 'chat:x', recovered: true });
      assert.deepEqual(
        client.events('chat.message').map((e) => [e.offset, (e.data as { text: string }).text]),
        [
          [offsets[1], 'b'],
          [offsets[2], 'c'],
        ],
      );
    } finally {
      await client.close();
    }
  });
});
