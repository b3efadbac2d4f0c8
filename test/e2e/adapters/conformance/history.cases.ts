import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEvent, protocol } from '../../../../src/index.js';
import type { ConformanceCluster } from './conformance-cluster.js';
import { waitFor } from '../../../support/wait-for.js';

/** SSE history (resume on another instance, gaps) and room history. */
export function historyCases(cluster: () => ConformanceCluster): void {
  test('an SSE stream resumes on another instance with Last-Event-ID and gets exactly what it missed', async () => {
    const c = cluster();
    const { a, b } = c;
    const tick = (seq: number) =>
      a.manager.broadcast(new StreamEvent('tick', { seq }), protocol('sse'));
    const first = await c.sse(b);
    await tick(1);
    await tick(2);
    await waitFor(() => first.named('tick').length === 2, 'two ticks');
    const lastSeen = first.named('tick')[1]!.id!;
    first.close();
    await tick(3);
    await tick(4);
    const resumed = await c.sse(a, '', lastSeen);
    await waitFor(() => resumed.named('tick').length === 2, 'the missed ticks');
    await tick(5);
    await waitFor(() => resumed.named('tick').length === 3, 'the live tick');
    assert.deepEqual(
      resumed.named('tick').map((e) => (JSON.parse(e.data) as { seq: number }).seq),
      [3, 4, 5],
    );
    assert.equal(resumed.named('stream-reset').length, 0, 'no reset when nothing was lost');
  });

  test('an SSE resume from an id the history no longer holds gets an explicit reset event', async () => {
    const c = cluster();
    const resumed = await c.sse(c.b, '', '1-0');
    await waitFor(() => resumed.named('stream-reset').length === 1, 'the reset event');
    assert.equal(
      (JSON.parse(resumed.named('stream-reset')[0]!.data) as { reason: string }).reason,
      'history-gap',
    );
  });

  test('room history: events appended on one instance are recovered after an offset, stale offsets are refused', async (t) => {
    const c = cluster();
    if (!c.backend.sharedRoomHistory) {
      t.skip(`${c.backend.name} keeps room history per process`);
      return;
    }
    const limits = { size: 3, ttlMs: 0 };
    const writer = c.a.adapter.roomHistory;
    const reader = c.b.adapter.roomHistory;
    const room = `history-${Date.now()}`;
    const first = await writer.append(room, 'chat.message', { n: 1 }, limits);
    await writer.append(room, 'chat.message', { n: 2 }, limits);
    await writer.append(room, 'chat.message', { n: 3 }, limits);
    const recovery = await reader.since(room, first.offset);
    assert.equal(recovery.recovered, true);
    assert.deepEqual(recovery.recovered ? recovery.entries.map((e) => e.data) : [], [
      { n: 2 },
      { n: 3 },
    ]);
    await writer.append(room, 'chat.message', { n: 4 }, limits);
    await writer.append(room, 'chat.message', { n: 5 }, limits);
    assert.deepEqual(await reader.since(room, first.offset), {
      recovered: false,
      reason: 'too-old',
    });
    const [epoch] = first.offset.split(':');
    const stale = await reader.since(room, `${epoch}x:1`);
    assert.equal(stale.recovered, false);
    // a shared store cannot tell a room never used from one whose log was lost: either refusal
    const unknown = await reader.since(`never-used-${room}`, first.offset);
    assert.equal(unknown.recovered, false);
    assert.ok(
      !unknown.recovered && ['unknown-room', 'epoch-changed'].includes(unknown.reason),
      `an unknown room is refused (got ${JSON.stringify(unknown)})`,
    );
  });
}
