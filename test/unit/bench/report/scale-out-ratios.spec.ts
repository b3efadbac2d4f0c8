import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveScaleOut, summarizeScaleOut } from '../../../../bench/report/scale-out-ratios.js';
import { placeInRooms } from '../../../../bench/scenarios/scale-out-clients.js';
import { medianRun } from '../../../../bench/scenarios/scale-out.scenario.js';
import type {
  ScaleOutInstanceRow,
  ScaleOutRow,
} from '../../../../bench/scenarios/scale-out.scenario.js';

function instance(i: number, decoded: number, delivered: number, cpu: number): ScaleOutInstanceRow {
  return {
    instance: i,
    clients: 10,
    published: 0,
    delivered,
    cpuSeconds: cpu,
    decodedRoom: decoded,
    decodedGlobal: 0,
    subscribedRooms: 1,
  };
}

function row(
  backend: ScaleOutRow['backend'],
  perInstance: ScaleOutInstanceRow[],
  broadcasts: number,
  deliveredPerSec: number,
): ScaleOutRow {
  const delivered = perInstance.reduce((sum, r) => sum + r.delivered, 0);
  const cpuSeconds = perInstance.reduce((sum, r) => sum + r.cpuSeconds, 0);
  return {
    backend,
    instances: perInstance.length,
    clients: 40,
    rooms: 4,
    spanningRooms: perInstance.length > 1 ? 4 : 0,
    seconds: 1,
    broadcasts,
    delivered,
    missing: 0,
    deliveredPerSec,
    cpuSeconds,
    deliveredPerCpuSecond: Math.round(delivered / cpuSeconds),
    perInstance,
    loadAverage: 1,
    rounds: 1,
    roundRates: [deliveredPerSec],
  };
}

test('decodes per own publish: mean remote decodes per instance ÷ broadcasts per instance', () => {
  // 2 instances, 1,000 broadcasts (500 each), each decoded by the other instance only.
  const derived = deriveScaleOut(
    row('redis', [instance(0, 500, 4000, 2), instance(1, 500, 2000, 1)], 1000, 6000),
  );
  assert.equal(derived.decodedPerInstance, 500);
  assert.equal(derived.decodedPerOwnPublish, 1);
  assert.deepEqual(derived.perInstanceDeliveredPerCpuSecond, [2000, 2000]);
  // A global channel: every instance decodes every other instance's broadcasts (n − 1 = 3).
  const global = deriveScaleOut(
    row(
      'nats',
      [0, 1, 2, 3].map((i) => instance(i, 750, 100, 1)),
      1000,
      400,
    ),
  );
  assert.equal(global.decodedPerOwnPublish, 3);
});

test('the summary pairs each backend with its one-instance run and judges decode growth', () => {
  const rows = [
    row('redis', [instance(0, 0, 1000, 1)], 100, 1000),
    row('redis', [instance(0, 50, 500, 1), instance(1, 50, 500, 1)], 100, 800),
    row(
      'redis',
      [0, 1, 2, 3].map((i) => instance(i, 30, 250, 0.5)),
      100,
      600,
    ),
    row('nats', [instance(0, 0, 1000, 1)], 100, 1000),
    row('nats', [instance(0, 50, 500, 1), instance(1, 50, 500, 1)], 100, 900),
    row(
      'nats',
      [0, 1, 2, 3].map((i) => instance(i, 75, 250, 1)),
      100,
      900,
    ),
    { backend: 'redis-cluster' as const, skipped: 'REDIS_CLUSTER_NODES is not set' },
  ];
  const [redis, nats, ...rest] = summarizeScaleOut(rows);
  assert.equal(rest.length, 0, 'a skipped backend has no summary');
  assert.equal(redis.throughput2v1, 0.8);
  assert.equal(redis.throughput4v1, 0.6);
  assert.equal(redis.perCpu2v1, 0.5);
  // 2 instances: 50 ÷ 50 = 1; 4 instances: 30 ÷ 25 = 1.2 → flat.
  assert.equal(redis.decodeGrowth, 1.2);
  assert.equal(redis.decodeFlat, true);
  // 4 instances: 75 ÷ 25 = 3 → grows.
  assert.equal(nats.decodeGrowth, 3);
  assert.equal(nats.decodeFlat, false);
});

test('a backend with only one instance count has no ratios', () => {
  const [only] = summarizeScaleOut([row('redis', [instance(0, 0, 10, 1)], 10, 10)]);
  assert.equal(only.throughput2v1, null);
  assert.equal(only.decodeGrowth, null);
  assert.equal(only.decodeFlat, null);
});

test('placement puts each room on two instances, borrowing when an instance runs short', () => {
  const clients = [0, 1, 0, 1, 0, 1, 0, 1].map((instance, id) => ({ instance, id }));
  const rooms = placeInRooms(clients, 2, 2);
  assert.deepEqual(
    rooms.map((list) => list.length),
    [4, 4],
  );
  for (const list of rooms) {
    assert.deepEqual(new Set(list.map((c) => c.instance)), new Set([0, 1]));
  }
  const uneven = placeInRooms(
    [0, 0, 0, 1].map((instance, id) => ({ instance, id })),
    2,
    2,
  );
  assert.equal(uneven.flat().length, 4, 'every client is placed');
  assert.deepEqual(
    placeInRooms([{ instance: 0 }, { instance: 0 }], 3, 1).map((l) => l.length),
    [1, 1, 0],
  );
});

test("the median run of an instance count is one whole run, with every run's rate", () => {
  const runs = [800, 1200, 1000].map((rate) => row('redis', [instance(0, 0, rate, 1)], 10, rate));
  const median = medianRun(runs);
  assert.equal(median.deliveredPerSec, 1000);
  assert.equal(median.delivered, 1000, 'the figures of the same run');
  assert.equal(median.rounds, 3);
  assert.deepEqual(median.roundRates, [800, 1200, 1000]);
  assert.equal(medianRun([runs[0], runs[1]]).deliveredPerSec, 800, 'the lower of two');
});
