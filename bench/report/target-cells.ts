import type { RatioCheck } from './bench-results.js';
import { isSmokeMode } from './rest-ratios.js';

/** Headers of a target table: the check, the measured ratio, and messages per write beside it. */
export const TARGET_HEADERS = [
  'scenario',
  'comparison',
  'metric',
  'target',
  'measured',
  'met',
  'msgs/write (subject / baseline)',
] as const;

function writes(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : String(value);
}

/**
 * The cells of one target row. In a smoke run (quick or tiny mode) no target is judged: `met`
 * says "smoke only" whatever the ratio.
 */
export function targetCells(r: RatioCheck, mode: string): string[] {
  const met = isSmokeMode(mode)
    ? 'smoke only'
    : r.pass === null
      ? 'n/a'
      : r.pass
        ? 'yes'
        : '**no**';
  const [subject, baseline] = r.messagesPerWrite ?? [undefined, undefined];
  return [
    r.scenario,
    r.description,
    r.metric,
    `${r.comparison} ${r.target}×`,
    r.value === null ? 'n/a' : `${r.value}×`,
    met,
    `${writes(subject)} / ${writes(baseline)}`,
  ];
}
