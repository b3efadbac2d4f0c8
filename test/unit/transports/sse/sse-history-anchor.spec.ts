import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryHistoryStore } from '../../../../src/adapters/in-memory/in-memory-history.store.js';

test('replay returns the entry named by the id as anchor while it is held', async () => {
  const store = new InMemoryHistoryStore();
  const audience = { kind: 'stream', streamKey: 'k', userId: 'u' } as const;
  const first = await store.append('/r', 'data: 1\n\n', audience, 3);
  const second = await store.append('/r', 'data: 2\n\n', audience, 3);
  const replay = await store.replay('/r', first);
  assert.equal(replay.gap, false);
  assert.equal(replay.anchor?.id, first);
  assert.deepEqual(
    replay.entries.map((e) => e.id),
    [second],
  );
  assert.equal((await store.replay('/r', second)).anchor?.id, second);
  for (let n = 0; n < 5; n += 1) await store.append('/r', 'data: x\n\n', audience, 3);
  const gone = await store.replay('/r', first);
  assert.equal(gone.gap, true);
  assert.equal(gone.anchor, undefined);
});
