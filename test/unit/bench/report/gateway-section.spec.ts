import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchResults } from '../../../../bench/report/bench-results.js';
import {
  GATEWAY_SECTION_END,
  GATEWAY_SECTION_START,
  renderGatewaySection,
  renderOtherGatewayRuns,
  spliceGatewaySection,
} from '../../../../bench/report/gateway-section.js';

const section = `${GATEWAY_SECTION_START}\n## Event gateways\nnew\n${GATEWAY_SECTION_END}\n`;

test('a report without the section gets it before its closing raw-results line', () => {
  const report = '# Benchmarks\n\n## Notes\n\n- a\n\nRaw results: [x](x).\n';
  assert.equal(
    spliceGatewaySection(report, section),
    `# Benchmarks\n\n## Notes\n\n- a\n\n${section}Raw results: [x](x).\n`,
  );
});

test('a report with the section has it replaced, the rest untouched', () => {
  const report = `# B\n\n${GATEWAY_SECTION_START}\nold\n${GATEWAY_SECTION_END}\n\nRaw results: y\n`;
  assert.equal(spliceGatewaySection(report, section), `# B\n\n${section}Raw results: y\n`);
});

test('a run of other scenarios renders no gateway section; a quick run is marked as smoke', () => {
  const base: BenchResults = {
    schema: 1,
    mode: 'quick',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 1,
    machine: {
      cpuModel: 'cpu',
      cpus: 2,
      memoryBytes: 1,
      node: 'v20',
      platform: 'linux x64',
      kernel: '6',
      openFilesLimit: '1024',
    },
    contenders: {},
    scenarios: {},
    ratios: [],
    notes: [],
  };
  assert.deepEqual(renderGatewaySection(base, String), []);
  assert.deepEqual(renderOtherGatewayRuns([base]), [], 'no gateway ratios, no table');
  const other = renderOtherGatewayRuns([
    {
      ...base,
      ratios: [
        {
          scenario: 'gateway request/reply, 1 client',
          description: 'vs Socket.IO acks',
          metric: 'replies per server CPU-s',
          comparison: '>=',
          target: 1.5,
          value: 1.42,
          pass: false,
        },
      ],
    },
  ]);
  assert.ok(
    other.includes(
      '| quick (smoke), 2026-01-01T00:00:00.000Z | gateway request/reply, 1 client | vs Socket.IO acks, replies per server CPU-s | >= 1.5× | 1.42× | **no** |',
    ),
  );
  const lines = renderGatewaySection(
    { ...base, scenarios: { gatewayEcho: [{ contender: 'nest-chat', error: 'refused' }] } },
    String,
  );
  assert.equal(lines[0], GATEWAY_SECTION_START);
  assert.ok(lines.some((l) => l.includes('smoke')));
  assert.ok(lines.includes('- nest-chat: not measured (refused)'));
});
