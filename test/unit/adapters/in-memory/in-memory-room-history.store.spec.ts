import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  InMemoryRoomHistoryStore,
  parseRoomOffset,
} from '../../../../src/adapters/in-memory/in-memory-room-history.store.js';

const LIMITS = { size: 3, ttlMs: 0 };

describe('InMemoryRoomHistoryStore', () => {
  test('offsets are <epoch>:<seq>, growing per room', async () => {
    const store = new InMemoryRoomHistoryStore();
    const a1 = await store.append('a', 'e', 1, LIMITS);
    const a2 = await store.append('a', 'e', 2, LIMITS);
    const b1 = await store.append('b', 'e', 3, LIMITS);
    const [p1, p2, q1] = [a1, a2, b1].map((entry) => parseRoomOffset(entry.offset)!);
    assert.equal(p1.epoch, p2.epoch);
    assert.deepEqual([p1.seq, p2.seq, q1.seq], [1, 2, 1]);
    assert.equal(await store.latest('a'), a2.offset);
    assert.equal(await store.latest('nowhere'), undefined);
  });

  test('since gives exactly the events after the offset, in order', async () => {
    const store = new InMemoryRoomHistoryStore();
    const first = await store.append('r', 'chat', { n: 1 }, LIMITS);
    await store.append('r', 'chat', { n: 2 }, LIMITS);
    await store.append('r', 'chat', { n: 3 }, LIMITS);
    const recovery = await store.since('r', first.offset);
    assert.equal(recovery.recovered, true);
    assert.deepEqual(recovery.recovered && recovery.entries.map((e) => e.data), [
      { n: 2 },
      { n: 3 },
    ]);
    const latest = (await store.latest('r'))!;
    assert.deepEqual(await store.since('r', latest), { recovered: true, entries: [] });
  });

  test('an offset older than the kept events is too old; the oldest kept one still recovers', async () => {
    const store = new InMemoryRoomHistoryStore();
    const offsets: string[] = [];
    for (let n = 1; n <= 5; n += 1) offsets.push((await store.append('r', 'e', n, LIMITS)).offset);
    assert.deepEqual(await store.since('r', offsets[0]), { recovered: false, reason: 'too-old' });
    const edge = await store.since('r', offsets[1]);
    assert.deepEqual(edge.recovered && edge.entries.map((e) => e.data), [3, 4, 5]);
  });

  test('events past the TTL are gone: recovering across them is too old', async () => {
    let now = 1_000;
    const store = new InMemoryRoomHistoryStore(() => now);
    const limits = { size: 100, ttlMs: 50 };
    const first = await store.append('r', 'e', 1, limits);
    await store.append('r', 'e', 2, limits);
    now += 100;
    await store.append('r', 'e', 3, limits);
    assert.deepEqual(await store.since('r', first.offset), { recovered: false, reason: 'too-old' });
  });

  test('another store (a restart) or a made-up offset is an epoch change; an unknown room says so', async () => {
    const before = new InMemoryRoomHistoryStore();
    const offset = (await before.append('r', 'e', 1, LIMITS)).offset;
    const after = new InMemoryRoomHistoryStore();
    await after.append('r', 'e', 1, LIMITS);
    assert.deepEqual(await after.since('r', offset), { recovered: false, reason: 'epoch-changed' });
    assert.deepEqual(await after.since('r', 'garbage'), {
      recovered: false,
      reason: 'epoch-changed',
    });
    assert.deepEqual(await after.since('other', offset), {
      recovered: false,
      reason: 'unknown-room',
    });
  });
});
