/**
 * Renders a results JSON into BENCHMARKS.md and an SVG chart.
 *   node dist/bench/report/render.js bench/results/quick.json [BENCHMARKS.md] [bench/results/chart.svg]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { BenchResults } from './bench-results.js';
import { renderRatioChart } from './chart-svg.js';
import { renderMarkdown } from './markdown.js';

const [
  jsonArg = 'bench/results/quick.json',
  mdArg = 'BENCHMARKS.md',
  svgArg = 'bench/results/chart.svg',
] = process.argv.slice(2);
const jsonPath = resolve(jsonArg);
const mdPath = resolve(mdArg);
const svgPath = resolve(svgArg);
const results = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchResults;
if (results.schema !== 1) throw new Error(`Unsupported results schema ${String(results.schema)}`);
writeFileSync(
  svgPath,
  renderRatioChart(results.ratios, `Targets, ${results.mode} run of ${results.startedAt}`),
);
const base = dirname(mdPath);
writeFileSync(mdPath, renderMarkdown(results, relative(base, svgPath), relative(base, jsonPath)));
console.log(`Rendered ${relative(process.cwd(), mdPath)} and ${relative(process.cwd(), svgPath)}`);
