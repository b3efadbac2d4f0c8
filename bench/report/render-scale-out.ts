/**
 * Renders only the scale-out section of a results JSON into BENCHMARKS.md, replacing the
 * section if the file has one and adding it at the end otherwise; the rest of the file is kept.
 *   node dist/bench/report/render-scale-out.js bench/results/scale-out-quick.json [BENCHMARKS.md]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { BenchResults } from './bench-results.js';
import { renderScaleOutSection, spliceScaleOutSection } from './scale-out-section.js';

function main(): void {
  const [jsonArg = 'bench/results/scale-out-quick.json', mdArg = 'BENCHMARKS.md'] =
    process.argv.slice(2);
  const results = JSON.parse(readFileSync(resolve(jsonArg), 'utf8')) as BenchResults;
  if (results.schema !== 1) throw new Error(`Unsupported results schema ${String(results.schema)}`);
  const lines = renderScaleOutSection(results);
  if (lines.length === 0) throw new Error(`${jsonArg} holds no scale-out run`);
  const json = relative(process.cwd(), resolve(jsonArg));
  const section = [
    ...lines.slice(0, -1),
    `Raw results of this section: \`${json}\`. Reproduce with \`bash bench/run-scale-out.sh ` +
      `${results.mode}\` (or \`node dist/bench/runner.js --mode ${results.mode} --scenarios ` +
      `scale-out --out ${json}\`, then \`node dist/bench/report/render-scale-out.js ${json}\`).`,
    ...lines.slice(-1),
  ].join('\n');
  const mdPath = resolve(mdArg);
  writeFileSync(mdPath, spliceScaleOutSection(readFileSync(mdPath, 'utf8'), section));
  console.log(`Rendered the scale-out section into ${relative(process.cwd(), mdPath)}`);
}

main();
