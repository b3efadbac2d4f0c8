import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, resolveReconnect } from '../../../src/client/backoff.js';
import { OfflineQueue } from '../../../src/client/offline-queue.js';

describe('Backoff (full jitter)', () => {
  const options = resolveReconnect({ initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 });

  test('each delay lies in [0, bound) and the bound doubles up to the cap', () => {
    const top = new Backoff(options, () => 0.999999);
    const delays = Array.from({ length: 7 }, () => top.next());
    assert.deepEqual(delays, [99, 199, 399, 799, 999, 999, 999]);
    const bottom = new Backoff(options, () => 0);
    assert.deepEqual(
      Array.from({ length: 3 }, () => bottom.next()),
      [0, 0, 0],
    );
  });

  test('the jitter spreads delays over the whole range', () => {
    const values = [0.1, 0.5, 0.9];
    let i = 0;
    const backoff = new Backoff(options, () => values[i++ % values.length]);
    for (let k = 0; k < 4; k += 1) backoff.next();
    assert.equal(backoff.bound(), 1_000);
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [500, 900, 100]);
  });

  test('reset starts again from the first bound', () => {
    const backoff = new Backoff(options, () => 0.5);
    backoff.next();
    backoff.next();
    assert.equal(backoff.attempts, 2);
    backoff.reset();
    assert.equal(backoff.attempts, 0);
    assert.equal(backoff.next(), 50);
  });

  test('defaults are bounded', () => {
    assert.deepEqual(resolveReconnect(), {
      enabled: true,
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      factor: 2,
      stableAfterMs: 10_000,
    });
    assert.equal(resolveReconnect(false).enabled, false);
  });
});

describe('OfflineQueue', () => {
  test('keeps at most capacity entries, dropping the oldest and counting them', () => {
    const queue = new OfflineQueue<number>(3);
    for (let i = 1; i <= 5; i += 1) queue.push(i);
    assert.equal(queue.size, 3);
    assert.equal(queue.dropped, 2);
    assert.deepEqual(queue.drain(), [3, 4, 5]);
    assert.equal(queue.size, 0);
  });

  test('capacity 0 keeps nothing', () => {
    const queue = new OfflineQueue<number>(0);
    assert.equal(queue.push(1), false);
    assert.equal(queue.dropped, 1);
    assert.deepEqual(queue.drain(), []);
  });
});
