import type { EchoRow } from '../scenarios/echo.scenario.js';
import type { FailedRow } from '../scenarios/scenario-context.js';
import { measured } from './bench-results.js';
import { busyMs, type CpuBreakdown } from './cpu-breakdown.js';

/** Server CPU per round trip, split by where a profile of the same load saw it go. */
export interface RoundTripCost {
  readonly row: EchoRow;
  readonly cpu: CpuBreakdown;
  /** Microseconds of server CPU per round trip (from the measured, unprofiled window). */
  readonly totalUs: number;
  /** Microseconds per round trip in each category (the profile's shares of `totalUs`). */
  readonly frameworkUs: number;
  readonly wsUs: number;
  readonly nodeUs: number;
  readonly nativeUs: number;
  readonly gcUs: number;
}

const us = (value: number) => value.toFixed(1);

/** The CPU cost of one echo row per round trip, when it was profiled. */
export function costOf(row: EchoRow): RoundTripCost | undefined {
  const cpu = row.cpu;
  if (!cpu || row.roundTripsPerServerCpuSec <= 0) return undefined;
  const busy = busyMs(cpu);
  if (busy <= 0) return undefined;
  const totalUs = 1e6 / row.roundTripsPerServerCpuSec;
  const share = (ms: number) => (totalUs * ms) / busy;
  return {
    row,
    cpu,
    totalUs,
    frameworkUs: share(cpu.frameworkMs),
    wsUs: share(cpu.wsMs),
    nodeUs: share(cpu.nodeMs),
    nativeUs: share(cpu.nativeMs),
    gcUs: share(cpu.gcMs),
  };
}

/**
 * What the profile says about an unmet echo target against a framework peer: the library's
 * floor is its cost per round trip minus its own code; the best ratio any ws-based library could
 * reach is the peer's cost divided by that floor.
 */
export function echoPeerExplanation(
  forge: RoundTripCost,
  peer: RoundTripCost,
  target: number,
  ceiling: EchoRow | undefined,
  raw: EchoRow | undefined,
  label: (id: string) => string,
): string {
  const floorUs = forge.totalUs - forge.frameworkUs;
  const bound = peer.totalUs / floorUs;
  const head =
    `The library spends ${us(forge.totalUs)} µs of server CPU per round trip, ` +
    `${us(forge.frameworkUs)} µs of it in its own code and ${us(floorUs)} µs in \`ws\` framing, ` +
    `Node.js streams and system calls; ${label(peer.row.contender)} spends ${us(peer.totalUs)} µs ` +
    `(${us(peer.frameworkUs)} µs in its own code).`;
  const against = (row: EchoRow) =>
    `${(row.roundTripsPerServerCpuSec / peer.row.roundTripsPerServerCpuSec).toFixed(2)}× per ` +
    `CPU-second and ${(row.roundTripsPerSec / peer.row.roundTripsPerSec).toFixed(2)}× in round ` +
    `trips/s`;
  const rawText = raw
    ? ` Raw \`ws\`, with no framework code at all, reaches ${against(raw)} against it in the same run.`
    : '';
  const ceilingText =
    rawText +
    (ceiling
      ? ` ${label(ceiling.contender)} (native C++, no Node.js streams) reaches ${against(ceiling)}.`
      : '');
  if (bound < target) {
    return (
      `${head} Even with its own code costing nothing, the library could reach at most ` +
      `${bound.toFixed(2)}× per CPU-second: the target is out of reach for a server built on ` +
      `Node.js sockets and \`ws\`.${ceilingText}`
    );
  }
  const allowedUs = peer.totalUs / target - floorUs;
  return (
    `${head} The floor allows up to ${bound.toFixed(2)}× per CPU-second: the target needs the ` +
    `library's own code down to ${us(allowedUs)} µs per round trip (from ` +
    `${us(forge.frameworkUs)} µs).${ceilingText}`
  );
}

/** The CPU section of the report: per profiled echo row, where the server's CPU went. */
export function renderEchoCpuSection(
  rows: readonly (EchoRow | FailedRow)[],
  label: (id: string) => string,
): string[] {
  const costs = rows
    .filter(measured<EchoRow>)
    .map(costOf)
    .filter((cost): cost is RoundTripCost => cost !== undefined);
  if (costs.length === 0) return [];
  return [
    "## (h) Where the server's CPU goes (echo)",
    '',
    "A V8 CPU profile of each JavaScript server, recorded over a further window of the same echo load (apart from the measured windows, which it would slow), attributes every sample to: the server's own JavaScript (the library or framework and its packages), `ws`, Node.js's own JavaScript (`net`, streams, events), native code (system calls such as `writev`, V8 and libuv work) or garbage collection. The shares are applied to the measured CPU per round trip.",
    '',
    '| contender | clients | CPU µs per round trip | own code µs | ws µs | Node.js µs | native µs | GC µs | own code share |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...costs.map(
      (c) =>
        `| ${label(c.row.contender)} | ${c.row.clients} | ${us(c.totalUs)} | ${us(c.frameworkUs)} | ${us(c.wsUs)} | ${us(c.nodeUs)} | ${us(c.nativeUs)} | ${us(c.gcUs)} | ${Math.round((100 * c.frameworkUs) / c.totalUs)} % |`,
    ),
    '',
  ];
}
