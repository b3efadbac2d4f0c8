import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  REST_SECTION_END,
  REST_SECTION_START,
  renderRestSection,
  spliceRestSection,
} from '../../../../bench/report/rest-section.js';
import type { BenchResults } from '../../../../bench/report/bench-results.js';
import type { RestBroadcastRow } from '../../../../bench/scenarios/rest-broadcast.scenario.js';

function row(contender: RestBroadcastRow['contender'], perCpu: number): RestBroadcastRow {
  return {
    contender,
    protocol: 'sse',
    clients: 500,
    inFlight: 4,
    payloadBytes: 60,
    rounds: 1,
    broadcasts: 2,
    deliveries: 1000,
    lost: 0,
    failedRequests: 0,
    deliveriesPerSec: 2000,
    deliveriesPerServerCpuSec: perCpu,
    roundRates: [2000],
    roundRatesPerCpu: [perCpu],
    messagesPerWrite: contender === 'forge-rest' ? 0.5 : 1,
    p99Ms: 3,
  };
}

function results(mode: string): BenchResults {
  return {
    schema: 1,
    mode,
    startedAt: '2026-12-03T09:00:00.000Z',
    durationSeconds: 1,
    machine: {
      cpuModel: 'x',
      cpus: 2,
      memoryBytes: 1,
      node: 'v20',
      platform: 'linux x64',
      kernel: '6',
      openFilesLimit: '1024',
    },
    contenders: {},
    scenarios: {
      restBroadcast: { websocket: [], sse: [row('forge-rest', 800), row('http-sse-rest', 1000)] },
    },
    ratios: [],
    notes: [],
  };
}

test('a quick run is marked smoke and its ratios are not judged', () => {
  const text = renderRestSection(results('quick')).join('\n');
  assert.match(text, /quick mode, smoke/);
  assert.match(text, /\| 0\.8× \| smoke only \| 0\.5 \/ 1 \|/);
  assert.doesNotMatch(text, /\*\*no\*\*/);
});

test('a full run judges the ratios', () => {
  const text = renderRestSection(results('full')).join('\n');
  assert.doesNotMatch(text, /smoke/);
  assert.match(text, /\| 0\.8× \| \*\*no\*\* \|/);
});

test('splicing replaces the section and keeps the text around it', () => {
  const section = `${REST_SECTION_START}\nnew\n${REST_SECTION_END}`;
  const old = `head\n\n${REST_SECTION_START}\nold\n${REST_SECTION_END}\n\nnotes\n`;
  assert.equal(spliceRestSection(old, section), `head\n\n${section}\n\nnotes\n`);
  assert.equal(spliceRestSection('head\n', section), `head\n\n${section}\n`);
});
