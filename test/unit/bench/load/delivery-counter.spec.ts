import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BroadcastLedger } from '../../../../bench/load/broadcast-ledger.js';
import { DeliveryCounter } from '../../../../bench/load/delivery-counter.js';
import { LatencyHistogram } from '../../../../bench/load/histogram.js';

test("a receiver's n-th message is broadcast n; the last arrival completes it, once", () => {
  const ledger = new BroadcastLedger();
  const completed: number[] = [];
  const counter = new DeliveryCounter(ledger, 3, (seq) => completed.push(seq));
  ledger.publish(0, 3);
  ledger.publish(1, 3);
  counter.received(0);
  counter.received(1);
  assert.deepEqual(completed, []);
  counter.received(2);
  assert.deepEqual(completed, [0]);
  counter.received(2);
  counter.received(0, 2); // broadcast 1, then one more than was sent: not counted
  assert.deepEqual(completed, [0], 'broadcast 1 still waits for receiver 1');
  counter.received(1);
  assert.deepEqual(completed, [0, 1]);
  assert.equal(counter.deliveries, 6);
  assert.equal(counter.histogram.summary().count, 6);
});

test('receivers in two counters sharing one ledger (as in two threads) complete a broadcast once', () => {
  const ledger = new BroadcastLedger();
  const completed: string[] = [];
  const left = new DeliveryCounter(ledger, 2, (seq) => completed.push(`left ${seq}`));
  const right = new DeliveryCounter(new BroadcastLedger(ledger.buffer), 1, (seq) =>
    completed.push(`right ${seq}`),
  );
  ledger.publish(0, 3);
  left.received(0);
  right.received(0);
  left.received(1);
  assert.deepEqual(completed, ['left 0']);
  assert.equal(left.deliveries + right.deliveries, 3);
});

test('a reset starts numbering again and forgets the counts and latencies', () => {
  const ledger = new BroadcastLedger();
  const completed: number[] = [];
  const counter = new DeliveryCounter(ledger, 1, (seq) => completed.push(seq));
  ledger.publish(0, 1);
  counter.received(0);
  ledger.reset();
  counter.reset();
  assert.equal(ledger.sent, 0);
  assert.equal(counter.deliveries, 0);
  assert.equal(counter.histogram.summary().count, 0);
  ledger.publish(0, 1);
  counter.received(0);
  assert.deepEqual(completed, [0, 0]);
});

test('slots are reused round the ring: broadcast n + 1024 lands where n did', () => {
  const ledger = new BroadcastLedger();
  ledger.publish(5, 1);
  assert.equal(ledger.arrive(5), true);
  ledger.publish(5 + 1024, 2);
  assert.equal(ledger.arrive(5), false, 'the slot now waits for two');
  assert.equal(ledger.arrive(5 + 1024), true);
});

test('latencies survive encoding for another thread and add up', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 1; i <= 99; i++) a.recordMs(1);
  b.recordMs(50);
  const merged = new LatencyHistogram();
  merged.add(LatencyHistogram.decode(a.encode()));
  merged.add(LatencyHistogram.decode(b.encode()));
  const summary = merged.summary();
  assert.equal(summary.count, 100);
  assert.equal(summary.p50Ms, 1);
  assert.ok(Math.abs(summary.maxMs - 50) < 0.1, `max ${summary.maxMs}`);
});
