import type { ScaleOutRow, ScaleOutSkipped } from '../scenarios/scale-out.scenario.js';

/** Figures derived from one scale-out row. */
export interface ScaleOutDerived {
  /** Mean over the instances of the remote broadcasts each decoded (room + global channels). */
  readonly decodedPerInstance: number;
  /**
   * Remote decodes per instance ÷ broadcasts published per instance: how much decode work one
   * instance's share of the traffic costs each other instance. Room-scoped channels keep it
   * flat as instances grow (about 1 when each room spans two instances); one global channel
   * would make it n − 1.
   */
  readonly decodedPerOwnPublish: number;
  /** Delivered messages per CPU-second, per instance (its clients' messages ÷ its CPU). */
  readonly perInstanceDeliveredPerCpuSecond: readonly number[];
}

/** Ratios of one backend's runs against its one-instance run (null when a side is missing). */
export interface ScaleOutBackendSummary {
  readonly backend: ScaleOutRow['backend'];
  /** Delivered per second, 2 instances ÷ 1. */
  readonly throughput2v1: number | null;
  /** Delivered per second, 4 instances ÷ 1. */
  readonly throughput4v1: number | null;
  /** Delivered per CPU-second, 2 instances ÷ 1. */
  readonly perCpu2v1: number | null;
  /** `decodedPerOwnPublish` at the most instances ÷ at 2 instances (≤ 1.25 counts as flat). */
  readonly decodeGrowth: number | null;
  readonly decodeFlat: boolean | null;
}

/** Growth of per-instance decode work (most instances ÷ two) still counted as flat. */
export const FLAT_DECODE_LIMIT = 1.25;

const two = (value: number) => Math.round(value * 100) / 100;

/** True for a row that was measured. */
export function isScaleOutRow(row: ScaleOutRow | ScaleOutSkipped): row is ScaleOutRow {
  return !('skipped' in row);
}

/** The derived figures of `row`. */
export function deriveScaleOut(row: ScaleOutRow): ScaleOutDerived {
  const n = Math.max(row.perInstance.length, 1);
  const decoded = row.perInstance.reduce((sum, r) => sum + r.decodedRoom + r.decodedGlobal, 0);
  const decodedPerInstance = decoded / n;
  const publishedPerInstance = row.broadcasts / n;
  return {
    decodedPerInstance: Math.round(decodedPerInstance),
    decodedPerOwnPublish:
      publishedPerInstance > 0 ? two(decodedPerInstance / publishedPerInstance) : 0,
    perInstanceDeliveredPerCpuSecond: row.perInstance.map((r) =>
      r.cpuSeconds > 0 ? Math.round(r.delivered / r.cpuSeconds) : 0,
    ),
  };
}

function ratioOf(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b <= 0 ? null : two(a / b);
}

/** Per backend measured, the scaling ratios of its runs. */
export function summarizeScaleOut(
  rows: readonly (ScaleOutRow | ScaleOutSkipped)[],
): ScaleOutBackendSummary[] {
  const measured = rows.filter(isScaleOutRow);
  const backends = [...new Set(measured.map((r) => r.backend))];
  return backends.map((backend) => {
    const of = (n: number) => measured.find((r) => r.backend === backend && r.instances === n);
    const most = measured
      .filter((r) => r.backend === backend && r.instances >= 2)
      .sort((a, b) => b.instances - a.instances)[0];
    const base = of(2);
    const growth =
      most && base && most !== base
        ? ratioOf(
            deriveScaleOut(most).decodedPerOwnPublish,
            deriveScaleOut(base).decodedPerOwnPublish,
          )
        : null;
    return {
      backend,
      throughput2v1: ratioOf(of(2)?.deliveredPerSec, of(1)?.deliveredPerSec),
      throughput4v1: ratioOf(of(4)?.deliveredPerSec, of(1)?.deliveredPerSec),
      perCpu2v1: ratioOf(of(2)?.deliveredPerCpuSecond, of(1)?.deliveredPerCpuSecond),
      decodeGrowth: growth,
      decodeFlat: growth === null ? null : growth <= FLAT_DECODE_LIMIT,
    };
  });
}
