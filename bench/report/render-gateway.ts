/**
 * Renders only the event gateway section of a results JSON into BENCHMARKS.md, replacing the
 * section if the file has one and adding it before the closing "Raw results" line otherwise,
 * so that a run of the gateway scenarios alone does not replace the other scenarios' report.
 * Further results files add their gateway ratios, one row per check, below the first run's.
 *   node dist/bench/report/render-gateway.js bench/results/gateway-full.json [BENCHMARKS.md]
 *     [bench/results/gateway-quick.json ...]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { BenchResults } from './bench-results.js';
import {
  renderGatewaySection,
  renderOtherGatewayRuns,
  spliceGatewaySection,
} from './gateway-section.js';

function load(path: string): BenchResults {
  const results = JSON.parse(readFileSync(resolve(path), 'utf8')) as BenchResults;
  if (results.schema !== 1) throw new Error(`Unsupported results schema ${String(results.schema)}`);
  return results;
}

function main(): void {
  const [jsonArg = 'bench/results/gateway-quick.json', mdArg = 'BENCHMARKS.md', ...others] =
    process.argv.slice(2);
  const results = load(jsonArg);
  const lines = renderGatewaySection(results, (id) => results.contenders[id] ?? id);
  if (lines.length === 0) throw new Error(`${jsonArg} holds no gateway scenario`);
  const files = [jsonArg, ...others].map((path) => `\`${relative(process.cwd(), resolve(path))}\``);
  const mdPath = resolve(mdArg);
  const section = [
    ...lines.slice(0, -2),
    ...renderOtherGatewayRuns(others.map(load)),
    `Raw results of this section: ${files.join(', ')}. Reproduce with ` +
      '`node dist/bench/runner.js --mode quick --scenarios gateway-echo,gateway-broadcast ' +
      '--out bench/results/gateway-quick.json && node dist/bench/report/render-gateway.js ' +
      'bench/results/gateway-quick.json` (after `npm run build`; `--mode full` for longer windows).',
    ...lines.slice(-2),
  ].join('\n');
  writeFileSync(mdPath, spliceGatewaySection(readFileSync(mdPath, 'utf8'), section));
  console.log(`Rendered the gateway section into ${relative(process.cwd(), mdPath)}`);
}

main();
