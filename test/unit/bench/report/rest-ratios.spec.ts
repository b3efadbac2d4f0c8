import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRestRatios } from '../../../../bench/report/rest-ratios.js';
import type { RestBroadcastRow } from '../../../../bench/scenarios/rest-broadcast.scenario.js';

function row(contender: RestBroadcastRow['contender'], perCpu: number[]): RestBroadcastRow {
  return {
    contender,
    protocol: 'websocket',
    clients: 500,
    inFlight: 4,
    payloadBytes: 60,
    rounds: perCpu.length,
    broadcasts: 1,
    deliveries: 500,
    lost: 0,
    failedRequests: 0,
    deliveriesPerSec: 100,
    deliveriesPerServerCpuSec: perCpu[0],
    roundRates: perCpu.map(() => 100),
    roundRatesPerCpu: perCpu,
    messagesPerWrite: 1,
    p99Ms: 1,
  };
}

const scenarios = {
  restBroadcast: {
    websocket: [row('forge-rest', [90, 80, 120]), row('ws-rest', [100, 100, 100])],
    sse: [],
  },
};

test('REST broadcast ratios pair the rounds and are judged only in a full run', () => {
  const full = computeRestRatios(scenarios, 'full');
  assert.equal(full.length, 2);
  assert.equal(full[0].metric, 'deliveries per server CPU-s');
  assert.equal(full[0].value, 0.9);
  assert.equal(full[0].pass, false);
  assert.equal(full[1].value, 1);
  assert.equal(full[1].pass, true);
  const quick = computeRestRatios(scenarios, 'quick');
  assert.deepEqual(
    quick.map((r) => [r.value, r.pass]),
    [
      [0.9, null],
      [1, null],
    ],
  );
});
