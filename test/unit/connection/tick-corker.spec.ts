import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import {
  beginDispatchRun,
  endDispatchRun,
  stampWrite,
  trackWriteTurn,
  uncorkAfterThisJob,
  uncorkAtEndOfTick,
  wroteThisRun,
  wroteThisTick,
  type WriteStamp,
} from '../../../src/connection/tick-corker.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const afterMicrotasks = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('tick corker', () => {
  test('a write is of this turn within its callback run, and not once the run ended', async () => {
    await nextTurn();
    const stamp: WriteStamp = { run: 0, tick: 0 };
    assert.equal(wroteThisRun(stamp), false, 'a fresh stamp is no write');
    stampWrite(stamp);
    assert.equal(wroteThisRun(stamp), true);
    await afterMicrotasks();
    assert.equal(wroteThisRun(stamp), false, 'a later callback writes directly again');
  });

  test('a synchronous dispatch is one run: its writes share it, the next dispatch is a new one', async () => {
    await nextTurn();
    let microtasks = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'Microtask') microtasks += 1;
      },
    });
    const first: WriteStamp = { run: 0, tick: 0 };
    const second: WriteStamp = { run: 0, tick: 0 };
    hook.enable();
    try {
      beginDispatchRun();
      stampWrite(first);
      beginDispatchRun();
      assert.equal(wroteThisRun(first), true, 'a nested dispatch stays in the outer run');
      endDispatchRun();
      assert.equal(wroteThisRun(first), true);
      endDispatchRun();
      assert.equal(microtasks, 0, 'no microtask ends a dispatch run');
      assert.equal(wroteThisRun(first), false, 'the run ended with the dispatch');
      beginDispatchRun();
      stampWrite(second);
      assert.deepEqual([wroteThisRun(first), wroteThisRun(second)], [false, true]);
      endDispatchRun();
    } finally {
      hook.disable();
    }
    stampWrite(first);
    assert.equal(wroteThisRun(first), true, 'outside a dispatch a write still opens a run');
    await afterMicrotasks();
    assert.equal(wroteThisRun(first), false);
  });

  test('a direct write schedules no setImmediate; a tracked turn schedules one', async () => {
    await nextTurn();
    let immediates = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'Immediate') immediates += 1;
      },
    });
    hook.enable();
    try {
      stampWrite({ run: 0, tick: 0 });
      assert.equal(immediates, 0, 'a lone write leaves the loop free to block in its poll');
      trackWriteTurn();
      trackWriteTurn();
      assert.equal(immediates, 1, 'one end of turn, however many deliveries');
    } finally {
      hook.disable();
    }
  });

  test('in a tracked turn, a write of an earlier callback of the same turn still counts', async () => {
    await nextTurn();
    const stamp: WriteStamp = { run: 0, tick: 0 };
    trackWriteTurn();
    stampWrite(stamp);
    await Promise.resolve();
    await Promise.resolve();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    assert.equal(wroteThisTick(stamp), true, 'same tick: a second write corks');
    await nextTurn();
    assert.equal(wroteThisTick(stamp), false, 'the tick ended with the turn');
  });

  test('a write in a tracked turn is of this tick; an untracked one only of this run', async () => {
    await nextTurn();
    const untracked: WriteStamp = { run: 0, tick: 0 };
    stampWrite(untracked);
    assert.deepEqual([wroteThisRun(untracked), wroteThisTick(untracked)], [true, false]);
    await afterMicrotasks();
    const tracked: WriteStamp = { run: 0, tick: 0 };
    trackWriteTurn();
    stampWrite(tracked);
    assert.deepEqual([wroteThisRun(tracked), wroteThisTick(tracked)], [true, true]);
  });

  test('a writer corked for the job is uncorked after the continuations of the job', async () => {
    await nextTurn();
    const order: string[] = [];
    setImmediate(() => order.push('next turn'));
    uncorkAfterThisJob({ uncorkTick: () => order.push('uncorked') });
    // A `for await` loop resuming three times: continuations queued one after the other.
    void (async () => {
      for (let i = 0; i < 3; i += 1) {
        await Promise.resolve();
        order.push(`resume ${i}`);
      }
    })();
    await nextTurn();
    assert.deepEqual(order, ['resume 0', 'resume 1', 'resume 2', 'uncorked', 'next turn']);
  });

  test('corked writers are uncorked once, at the end of the turn', async () => {
    await nextTurn();
    let uncorked = 0;
    const writer = { uncorkTick: () => (uncorked += 1) };
    uncorkAtEndOfTick(writer);
    assert.equal(uncorked, 0);
    await nextTurn();
    await nextTurn();
    assert.equal(uncorked, 1);
  });
});
