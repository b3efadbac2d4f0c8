import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchResults, RatioCheck } from '../../../../bench/report/bench-results.js';
import { renderMissedTargets } from '../../../../bench/report/missed-targets.js';
import { TINY_RUN_HEADER } from './run-header.fixture.js';
import type { EchoRow } from '../../../../bench/scenarios/echo.scenario.js';
import type { SseRow } from '../../../../bench/scenarios/sse-fanout.scenario.js';
import type { ContenderId } from '../../../../bench/server/contenders.js';

function echoRow(contender: ContenderId, perCpu: number, rate: number, ownShare: number): EchoRow {
  return {
    contender,
    clients: 100,
    rounds: 3,
    roundTrips: rate * 3,
    roundTripsPerSec: rate,
    roundTripSpread: 0.05,
    roundTripsPerServerCpuSec: perCpu,
    p50Ms: 1,
    p99Ms: 2,
    cpu: {
      sampledMs: 1000,
      idleMs: 0,
      frameworkMs: 1000 * ownShare,
      wsMs: 100 * (1 - ownShare),
      nodeMs: 200 * (1 - ownShare),
      nativeMs: 700 * (1 - ownShare),
      gcMs: 0,
    },
  };
}

function check(scenario: string, description: string, metric: string, value: number): RatioCheck {
  return { scenario, description, metric, comparison: '>=', target: 2, value, pass: false };
}

const results = {
  ...TINY_RUN_HEADER,
  contenders: { forge: 'forge', 'socket.io': 'Socket.IO', 'ws-naive': 'raw ws' },
  scenarios: {
    // 100 µs per round trip, 10 % own code: a floor of 90 µs against Socket.IO's 150 µs.
    echo: [
      echoRow('forge', 10_000, 9_000, 0.1),
      echoRow('socket.io', 6_667, 6_000, 0.3),
      echoRow('ws-naive', 10_500, 9_500, 0),
    ],
    fanout: [
      {
        contender: 'forge',
        clients: 1000,
        payloadBytes: 60,
        broadcasts: 1,
        deliveries: 1,
        lost: 0,
        deliveriesPerSec: 250_000,
        deliveriesPerServerCpuSec: 500_000,
        serverCpuShare: 0.5,
        loadCpuShare: 1,
        p99Ms: 1,
      },
      {
        contender: 'ws-naive',
        clients: 1000,
        payloadBytes: 60,
        broadcasts: 1,
        deliveries: 1,
        lost: 0,
        deliveriesPerSec: 100_000,
        deliveriesPerServerCpuSec: 100_000,
        serverCpuShare: 1,
        loadCpuShare: 1,
        p99Ms: 1,
      },
    ],
  },
  ratios: [
    check(
      'echo, 100 clients',
      'server CPU per round trip vs Socket.IO',
      'round trips per server CPU-s',
      1.5,
    ),
    check('echo, 100 clients', 'throughput vs Socket.IO', 'round trips/s', 1.5),
    { ...check('fan-out, 1000 clients × 60 B', 'vs raw ws naive', 'deliveries/s', 2.5), target: 3 },
    {
      ...check('fan-out, 1000 clients × 60 B', 'vs raw ws naive', 'deliveries per server CPU-s', 5),
      pass: true,
    },
  ],
  notes: [],
} satisfies BenchResults;

test('missed targets are explained from the same run: the profile bound for echo, the CPU share for fan-out', () => {
  const lines = renderMissedTargets(results, (id) => results.contenders[id as 'forge'] ?? id);
  assert.equal(lines[0], '## Targets not met, and why');
  const bullets = lines.filter((line) => line.startsWith('- '));
  assert.equal(bullets.length, 2, 'the two echo metrics share one line; met targets have none');
  const [echo, fanout] = bullets;
  assert.match(echo, /server CPU per round trip vs Socket\.IO.*; throughput vs Socket\.IO/);
  assert.match(echo, /100\.0 µs of server CPU per round trip, 10\.0 µs of it in its own code/);
  assert.match(echo, /at most 1\.67× per CPU-second: the target is out of reach/);
  assert.match(fanout, /busy 50 % of the window/);
  // Server 0.5 + load generator 1.0 cores of the machine's two.
  assert.match(fanout, /not saturated; .* kept 1\.50 of the machine's 2 cores busy/);
  assert.match(fanout, /gives 5\.00×/);
  // 2 µs + 4 µs per delivery for the library: two cores allow 333,333/s, 3.33× the peer's rate.
  assert.match(fanout, /server spent 2\.00 µs of CPU and the load generator 4\.00 µs/);
  assert.match(
    fanout,
    /2 cores shared by both processes cap the library at 333,333 deliveries\/s, 3\.33× raw ws's measured rate/,
  );
});

test('nothing is rendered when every target was met', () => {
  assert.deepEqual(
    renderMissedTargets({ ...results, ratios: [] }, (id) => id),
    [],
  );
});

test('a missed SSE ratio is explained by its round-by-round spread', () => {
  const sseRow = (contender: ContenderId, perCpu: number[]): SseRow => ({
    contender,
    clients: 10,
    payloadBytes: 60,
    rounds: perCpu.length,
    events: 1,
    lost: 0,
    eventsPerSec: 1,
    eventsSpread: 0,
    eventsPerServerCpuSec: 1,
    p99Ms: 1,
    roundRates: perCpu,
    roundRatesPerCpu: perCpu,
  });
  const sse = {
    ...results,
    scenarios: {
      sse: [sseRow('forge', [80, 100, 60, 95]), sseRow('http-sse', [100, 100, 100, 100])],
    },
    ratios: [
      {
        ...check(
          'SSE fan-out, 10 clients',
          'vs node:http res.write',
          'events per server CPU-s',
          0.88,
        ),
        target: 0.9,
      },
    ],
  } satisfies BenchResults;
  const [line] = renderMissedTargets(sse, (id) => id).filter((l) => l.startsWith('- '));
  assert.match(line, /ranged from 0\.60× to 1\.00×, and met the target in 2 of 4 rounds/);
});

test('the same-code control says when the Fastify and Express builds agree', () => {
  const echo = [
    echoRow('forge', 9_000, 9_000, 0.1),
    echoRow('forge-fastify', 9_000, 9_000, 0.1),
    echoRow('ws-naive', 10_000, 10_000, 0),
  ];
  const agreeing = {
    ...results,
    scenarios: { echo },
    ratios: [
      check(
        'echo, 100 clients',
        'onMessage form: server CPU per round trip vs raw ws',
        'round trips per server CPU-s',
        0.9,
      ),
    ],
  } satisfies BenchResults;
  const [line] = renderMissedTargets(agreeing, (id) => id).filter((l) => l.startsWith('- '));
  assert.match(line, /measured 0\.90× raw `ws` per CPU-second in the same run, as on Express/);
  assert.doesNotMatch(line, /differences of 0 %/);
});
