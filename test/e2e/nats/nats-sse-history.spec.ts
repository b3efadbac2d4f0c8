import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsHistoryStore } from '../../../src/adapters/nats/nats-history.store.js';
import { NatsNames } from '../../../src/adapters/nats/nats-names.js';
import type { JetStreamHandles } from '../../../src/adapters/nats/nats-jetstream.js';
import type { SseAudience } from '../../../src/interfaces/streaming-adapter.interface.js';
import { NATS_URL, deleteNatsPrefix, uniqueNatsPrefix } from './nats-test-env.js';

const prefix = uniqueNatsPrefix('sse');
const names = new NatsNames(prefix);
const everyone: SseAudience = { kind: 'filters', filters: [] };
let nc: NatsConnection;
let handles: JetStreamHandles;
let reachable = true;
let store: NatsHistoryStore;

before(async () => {
  nc = await connect({ servers: NATS_URL });
  handles = { js: jetstream(nc), jsm: await jetstreamManager(nc) };
  store = new NatsHistoryStore(() => (reachable ? handles : undefined), names);
});

after(async () => {
  await nc.close();
  await deleteNatsPrefix(prefix);
});

describe('JetStream SSE history', () => {
  test('a resume from a held id returns exactly the later events, with the anchor', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 4; i += 1)
      ids.push(await store.append('/a', `data: ${i}\n\n`, everyone, 10));
    assert.equal(await store.lastId('/a'), ids[3]);
    const replay = await store.replay('/a', ids[1]!);
    assert.equal(replay.gap, false);
    assert.deepEqual(
      replay.entries.map((entry) => [entry.id, entry.body]),
      [
        [ids[2], 'data: 3\n\n'],
        [ids[3], 'data: 4\n\n'],
      ],
    );
    assert.equal(replay.anchor?.id, ids[1]);
    assert.deepEqual(await store.replay('/a', ids[3]!), {
      entries: [],
      gap: false,
      anchor: { id: ids[3], body: 'data: 4\n\n', audience: everyone },
    });
    assert.equal(await store.lastId('/never'), undefined);
  });

  test('past the history size, unknown or malformed ids are gaps; routes do not mix', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 5; i += 1)
      ids.push(await store.append('/b', `data: ${i}\n\n`, everyone, 2));
    assert.equal((await store.replay('/b', ids[0]!)).gap, true, 'trimmed');
    const kept = await store.replay('/b', ids[2]!);
    assert.equal(kept.gap, false, 'the last size + 1 events are held');
    assert.equal(kept.entries.length, 2);
    const [epoch, seq] = ids[4]!.split('-');
    for (const id of ['', 'x', '1-0', `${epoch}-${Number(seq) + 5}`, `${epoch}1-${seq}`]) {
      assert.equal((await store.replay('/b', id)).gap, true, JSON.stringify(id));
    }
    assert.equal((await store.replay('/a', ids[4]!)).gap, true, 'an id of another route');
  });

  test('a deleted stream comes back with a new epoch: ids from before are gaps', async () => {
    const before = await store.append('/c', 'data: 1\n\n', everyone, 10);
    await handles.jsm.streams.delete(names.sseStream('/c'));
    const after = await store.append('/c', 'data: 2\n\n', everyone, 10);
    assert.notEqual(after.split('-')[0], before.split('-')[0]);
    assert.equal((await store.replay('/c', before)).gap, true);
    assert.equal((await store.replay('/c', after)).gap, false);
  });

  test('appends while NATS is unreachable leave a gap marker once it is back', async () => {
    const seen = await store.append('/d', 'data: 1\n\n', everyone, 10);
    reachable = false;
    const lost = await store.append('/d', 'data: lost\n\n', everyone, 10);
    assert.match(lost, /^lost-/);
    assert.equal(store.hasLostAppends, true);
    assert.equal((await store.replay('/d', seen)).gap, true, 'no answer while unreachable');
    reachable = true;
    await store.flushGapMarkers();
    assert.equal(store.hasLostAppends, false);
    const next = await store.append('/d', 'data: 2\n\n', everyone, 10);
    assert.equal((await store.replay('/d', seen)).gap, true, 'the marker makes it a gap');
    assert.equal((await store.replay('/d', next)).gap, false);
    assert.equal((await store.replay('/d', lost)).gap, true);
  });
});
