import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisHistoryStore } from '../../../../src/adapters/redis/redis-history.store.js';
import { RedisKeys } from '../../../../src/adapters/redis/redis-keys.js';
import type {
  SseAudience,
  SseGapNotice,
} from '../../../../src/interfaces/streaming-adapter.interface.js';
import { deleteKeys, testClient, uniquePrefix } from '../../../e2e/redis/redis-test-env.js';

const everyone: SseAudience = { kind: 'filters', filters: [] };

describe('RedisHistoryStore', () => {
  let client: Redis;
  let prefix: string;
  let store: RedisHistoryStore;
  let connected = true;

  before(() => {
    client = testClient();
    prefix = uniquePrefix('history');
    store = new RedisHistoryStore(() => (connected ? client : undefined), new RedisKeys(prefix));
  });

  after(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  test('replays exactly the events after the last seen id, in order, with bodies and audiences', async () => {
    const audience: SseAudience = { kind: 'stream', streamKey: 'user-7' };
    const a = await store.append('/exact', 'data: a\n\n', everyone, 10);
    const b = await store.append('/exact', 'event: x\ndata: b\n\n', audience, 10);
    const c = await store.append('/exact', 'data: c\n\n', everyone, 10);
    const replay = await store.replay('/exact', a);
    assert.equal(replay.gap, false);
    assert.deepEqual(
      replay.entries.map((entry) => [entry.id, entry.body]),
      [
        [b, 'event: x\ndata: b\n\n'],
        [c, 'data: c\n\n'],
      ],
    );
    assert.deepEqual(replay.entries[0].audience, audience);
    assert.equal(replay.anchor?.id, a);
    assert.equal(replay.anchor?.body, 'data: a\n\n');
    const upToDate = await store.replay('/exact', c);
    assert.deepEqual([upToDate.entries, upToDate.gap, upToDate.anchor?.id], [[], false, c]);
    assert.equal(await store.lastId('/exact'), c);
  });

  test('reports a gap when the last seen event was trimmed away, and replays when it is just held', async () => {
    const size = 3;
    const ids: string[] = [];
    for (let i = 0; i < 400; i += 1)
      ids.push(await store.append('/trim', `data: ${i}\n\n`, everyone, size));
    const held = await client.xlen(`${prefix}sse-history:/trim`);
    assert.ok(held < 400, `history is bounded (holds ${held})`);
    assert.equal((await store.replay('/trim', ids[0])).gap, true);
    const justInside = ids[ids.length - 1 - size];
    const replay = await store.replay('/trim', justInside);
    assert.equal(replay.gap, false);
    assert.deepEqual(
      replay.entries.map((entry) => entry.id),
      ids.slice(-size),
    );
  });

  test('treats unknown, malformed and other-route ids as gaps', async () => {
    const id = await store.append('/ids', 'data: 1\n\n', everyone, 10);
    assert.equal((await store.replay('/ids', 'not-an-id')).gap, true);
    assert.equal((await store.replay('/ids', '1-0')).gap, true);
    assert.equal((await store.replay('/ids', '99999999999999-0')).gap, true);
    assert.equal((await store.replay('/elsewhere', id)).gap, true);
    assert.equal(await store.lastId('/never'), undefined);
  });

  test('an append while Redis is unreachable yields an id that resumes as a gap, and leaves a gap marker once Redis is back', async () => {
    const before = await store.append('/outage', 'data: before\n\n', everyone, 10);
    connected = false;
    const lost = await store.append('/outage', 'data: lost\n\n', everyone, 10);
    assert.match(lost, /^lost-/);
    assert.equal(store.hasLostAppends, true);
    assert.equal((await store.replay('/outage', lost)).gap, true);
    connected = true;
    await store.flushGapMarkers();
    assert.equal(store.hasLostAppends, false);
    assert.equal((await store.replay('/outage', before)).gap, true);
    const afterOutage = await store.append('/outage', 'data: after\n\n', everyone, 10);
    const marker = (await client.xrange(`${prefix}sse-history:/outage`, '-', '+'))[1][0];
    const replay = await store.replay('/outage', marker);
    assert.equal(replay.gap, false);
    assert.deepEqual(
      replay.entries.map((entry) => entry.id),
      [afterOutage],
    );
  });

  test('onGap listeners hear notices until they unsubscribe', () => {
    const notices: SseGapNotice[] = [];
    const off = store.onGap((notice) => notices.push(notice));
    store.notifyGap('resubscribed');
    off();
    store.notifyGap('publish-lost');
    assert.deepEqual(
      notices.map((notice) => notice.reason),
      ['resubscribed'],
    );
  });
});
