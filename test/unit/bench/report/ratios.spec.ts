import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRatios } from '../../../../bench/report/ratios.js';
import type { EchoRow } from '../../../../bench/scenarios/echo.scenario.js';

function echoRow(
  contender: EchoRow['contender'],
  rates: number[] | undefined,
  median: number,
): EchoRow {
  return {
    contender,
    clients: 1,
    rounds: rates?.length ?? 1,
    roundTrips: 1,
    roundTripsPerSec: median,
    roundTripSpread: 0,
    roundTripsPerServerCpuSec: median,
    p50Ms: 0.1,
    p99Ms: 0.2,
    roundRates: rates,
    roundRatesPerCpu: rates,
  };
}

const throughputVsRaw = (echo: EchoRow[]) =>
  computeRatios({ echo }).find(
    (r) => r.description === 'throughput vs raw ws' && r.metric === 'round trips/s',
  )?.value;

test('interleaved echo rows are compared round by round: the median of the paired ratios', () => {
  // Round by round 2×, 0.8× and 0.5×: the paired median is 0.8×, while the medians alone
  // (100 against 100) would say 1×.
  const echo = [echoRow('forge', [100, 200, 50], 100), echoRow('ws-naive', [50, 250, 100], 100)];
  assert.equal(throughputVsRaw(echo), 0.8);
});

test('rows without comparable rounds fall back to the ratio of their medians', () => {
  assert.equal(
    throughputVsRaw([echoRow('forge', undefined, 90), echoRow('ws-naive', [50, 250, 100], 100)]),
    0.9,
  );
  assert.equal(
    throughputVsRaw([echoRow('forge', [1, 2], 90), echoRow('ws-naive', [50, 250, 100], 100)]),
    0.9,
    'different round counts are not paired',
  );
});
