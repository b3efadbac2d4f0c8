import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchResults, RatioCheck } from '../../../../bench/report/bench-results.js';
import { renderMissedTargets } from '../../../../bench/report/missed-targets.js';
import { TINY_RUN_HEADER } from './run-header.fixture.js';
import type { EchoRow } from '../../../../bench/scenarios/echo.scenario.js';
import type { ContenderId } from '../../../../bench/server/contenders.js';

function replyRow(contender: ContenderId, perCpu: number): EchoRow {
  return {
    contender,
    clients: 100,
    rounds: 3,
    roundTrips: perCpu * 3,
    roundTripsPerSec: perCpu,
    roundTripSpread: 0.05,
    roundTripsPerServerCpuSec: perCpu,
    p50Ms: 1,
    p99Ms: 2,
  };
}

function missed(description: string, value: number): RatioCheck {
  return {
    scenario: 'gateway request/reply, 100 clients',
    description,
    metric: 'replies per server CPU-s',
    comparison: '>=',
    target: 1.5,
    value,
    pass: false,
  };
}

const results = {
  ...TINY_RUN_HEADER,
  contenders: { 'socket.io-ack': 'Socket.IO acks', 'nest-chat': 'Nest gateway' },
  scenarios: {
    // Gateway 35.7 µs per reply, raw ws 27.8 µs, Socket.IO 50 µs, Nest 40 µs.
    gatewayEcho: [
      replyRow('forge-gateway', 28_000),
      replyRow('socket.io-ack', 20_000),
      replyRow('nest-chat', 25_000),
      replyRow('ws-naive', 36_000),
    ],
  },
  ratios: [missed('vs Socket.IO acks', 1.4), missed('vs NestJS @SubscribeMessage', 1.12)],
  notes: [],
} satisfies BenchResults;

const label = (id: string) => results.contenders[id as 'nest-chat'] ?? id;

test('a request/reply target above the raw ws floor is called out of reach, with the costs per reply', () => {
  const line = renderMissedTargets(results, label).find((l) => l.includes('@SubscribeMessage'));
  assert.ok(line, 'the missed Nest target has a line');
  // 36,000 ÷ 25,000: raw ws itself stays below 1.5× against Nest.
  assert.match(line, /reaches only 1\.44× Nest gateway per server CPU-second/);
  assert.match(line, /out of reach|asks for more than a server with no code of its own/);
  assert.match(line, /gateway spends 35\.7 µs .* raw `ws` echoing the request frame 27\.8 µs/);
  assert.match(line, /is the 7\.9 µs above raw `ws`/);
});

test('a request/reply target below the raw ws floor says how far the gateway work must fall', () => {
  const line = renderMissedTargets(results, label).find((l) => l.includes('vs Socket.IO acks'));
  assert.ok(line, 'the missed Socket.IO target has a line');
  // 36,000 ÷ 20,000 = 1.8×; 50 µs ÷ 1.5 − 27.8 µs leaves 5.6 µs of gateway work per reply.
  assert.match(line, /reaches 1\.80× Socket\.IO acks .* within reach/);
  assert.match(line, /needs that work down to 5\.6 µs per reply/);
  assert.doesNotMatch(line, /No further data/);
});
