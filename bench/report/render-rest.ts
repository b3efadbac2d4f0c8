/**
 * Renders only the REST-triggered broadcast section of a results JSON into BENCHMARKS.md,
 * replacing the section if the file has one and adding it at the end otherwise; the text after
 * the section is kept.
 *   node dist/bench/report/render-rest.js bench/results/rest-quick.json [BENCHMARKS.md]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { BenchResults } from './bench-results.js';
import { renderRestSection, spliceRestSection } from './rest-section.js';

function main(): void {
  const [jsonArg = 'bench/results/rest-quick.json', mdArg = 'BENCHMARKS.md'] =
    process.argv.slice(2);
  const results = JSON.parse(readFileSync(resolve(jsonArg), 'utf8')) as BenchResults;
  if (results.schema !== 1) throw new Error(`Unsupported results schema ${String(results.schema)}`);
  const lines = renderRestSection(results);
  if (lines.length === 0) throw new Error(`${jsonArg} holds no REST-triggered broadcast`);
  const section = [
    ...lines.slice(0, -1),
    '',
    `Raw results of this section: \`${relative(process.cwd(), resolve(jsonArg))}\`. Reproduce with ` +
      `\`node dist/bench/runner.js --mode ${results.mode} --scenarios rest-broadcast --out ` +
      `${relative(process.cwd(), resolve(jsonArg))}\`, then ` +
      `\`node dist/bench/report/render-rest.js ${relative(process.cwd(), resolve(jsonArg))}\`.`,
    ...lines.slice(-1),
  ].join('\n');
  const mdPath = resolve(mdArg);
  writeFileSync(mdPath, spliceRestSection(readFileSync(mdPath, 'utf8'), section));
  console.log(
    `Rendered the REST-triggered broadcast section into ${relative(process.cwd(), mdPath)}`,
  );
}

main();
