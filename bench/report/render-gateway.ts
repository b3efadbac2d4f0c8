/**
 * Renders only the event gateway section of a results JSON into BENCHMARKS.md, replacing the
 * section if the file has one and adding it before the closing "Raw results" line otherwise,
 * so that a run of the gateway scenarios alone does not replace the other scenarios' report.
 *   node dist/bench/report/render-gateway.js bench/results/gateway-quick.json [BENCHMARKS.md]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { BenchResults } from './bench-results.js';
import { renderGatewaySection, spliceGatewaySection } from './gateway-section.js';

function main(): void {
  const [jsonArg = 'bench/results/gateway-quick.json', mdArg = 'BENCHMARKS.md'] =
    process.argv.slice(2);
  const results = JSON.parse(readFileSync(resolve(jsonArg), 'utf8')) as BenchResults;
  if (results.schema !== 1) throw new Error(`Unsupported results schema ${String(results.schema)}`);
  const lines = renderGatewaySection(results, (id) => results.contenders[id] ?? id);
  if (lines.length === 0) throw new Error(`${jsonArg} holds no gateway scenario`);
  const mdPath = resolve(mdArg);
  const section = [
    ...lines.slice(0, -2),
    '',
    `Raw results of this section: \`${relative(process.cwd(), resolve(jsonArg))}\`.`,
    ...lines.slice(-2),
  ].join('\n');
  writeFileSync(mdPath, spliceGatewaySection(readFileSync(mdPath, 'utf8'), section));
  console.log(`Rendered the gateway section into ${relative(process.cwd(), mdPath)}`);
}

main();
