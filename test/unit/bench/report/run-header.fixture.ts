import type { BenchResults } from '../../../../bench/report/bench-results.js';

/** The run-level fields of a results file for report tests: a tiny run on two CPUs. */
export const TINY_RUN_HEADER = {
  schema: 1,
  mode: 'tiny',
  startedAt: '',
  durationSeconds: 0,
  machine: { cpus: 2 } as BenchResults['machine'],
} as const;
