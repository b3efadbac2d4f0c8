import type { EchoRow } from '../scenarios/echo.scenario.js';
import type { FailedRow } from '../scenarios/scenario-context.js';
import { measured, type RatioCheck } from './bench-results.js';
import { busyMs, type CpuBreakdown } from './cpu-breakdown.js';

/** Server CPU per round trip, split by where a profile of the same load saw it go. */
interface RoundTripCost {
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

/** Targets of the echo scenario against the two framework peers. */
const PEER_TARGETS: readonly { readonly id: string; readonly target: number }[] = [
  { id: 'socket.io', target: 2 },
  { id: 'nest-gateway', target: 1.5 },
];

const us = (value: number) => value.toFixed(1);

function costOf(row: EchoRow): RoundTripCost | undefined {
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
 * What the profile says about one unmet echo target against a framework peer: the library's
 * floor is its cost per round trip minus its own code; the best ratio any ws-based library could
 * reach is the peer's cost divided by that floor.
 */
function boundLine(
  forge: RoundTripCost,
  peer: RoundTripCost,
  target: number,
  ceiling: EchoRow | undefined,
  raw: EchoRow | undefined,
  label: (id: string) => string,
): string {
  const floorUs = forge.totalUs - forge.frameworkUs;
  const bound = peer.totalUs / floorUs;
  const clients = forge.row.clients;
  const head =
    `Echo with ${clients} client${clients === 1 ? '' : 's'}, against ${label(peer.row.contender)} ` +
    `(target ${target}×): the library spends ${us(forge.totalUs)} µs of server CPU per round trip, ` +
    `${us(forge.frameworkUs)} µs of it in its own code and ${us(floorUs)} µs in \`ws\` framing, ` +
    `Node.js streams and system calls. ${label(peer.row.contender)} spends ${us(peer.totalUs)} µs ` +
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
  return (
    `${head} The floor allows up to ${bound.toFixed(2)}× per CPU-second, so the gap is in the ` +
    `library's own code.${ceilingText}`
  );
}

/**
 * The CPU section of the report: per echo row, where the server's CPU went; then, for each
 * echo target against Socket.IO or the NestJS gateway that was not met, what the profile says
 * about it.
 */
export function renderEchoCpuSection(
  rows: readonly (EchoRow | FailedRow)[],
  ratios: readonly RatioCheck[],
  label: (id: string) => string,
): string[] {
  const costs = rows
    .filter(measured<EchoRow>)
    .map(costOf)
    .filter((cost): cost is RoundTripCost => cost !== undefined);
  if (costs.length === 0) return [];
  const out = [
    "## (h) Where the server's CPU goes (echo)",
    '',
    "A V8 CPU profile of each JavaScript server, recorded over a further window of the same echo load (apart from the measured window, which it would slow), attributes every sample to: the server's own JavaScript (the library or framework and its packages), `ws`, Node.js's own JavaScript (`net`, streams, events), native code (system calls such as `writev`, V8 and libuv work) or garbage collection. The shares are applied to the measured CPU per round trip.",
    '',
    '| contender | clients | CPU µs per round trip | own code µs | ws µs | Node.js µs | native µs | GC µs | own code share |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...costs.map(
      (c) =>
        `| ${label(c.row.contender)} | ${c.row.clients} | ${us(c.totalUs)} | ${us(c.frameworkUs)} | ${us(c.wsUs)} | ${us(c.nodeUs)} | ${us(c.nativeUs)} | ${us(c.gcUs)} | ${Math.round((100 * c.frameworkUs) / c.totalUs)} % |`,
    ),
    '',
  ];
  const lines: string[] = [];
  for (const clients of [...new Set(costs.map((c) => c.row.clients))]) {
    const at = (id: string) =>
      costs.find((c) => c.row.contender === id && c.row.clients === clients);
    const forge = at('forge');
    if (!forge) continue;
    const scenario = `echo, ${clients} client${clients === 1 ? '' : 's'}`;
    const row = (id: string) =>
      rows.filter(measured<EchoRow>).find((r) => r.contender === id && r.clients === clients);
    const ceiling = row('uws');
    const raw = row('ws-naive');
    for (const { id, target } of PEER_TARGETS) {
      const peer = at(id);
      const peerName = id === 'socket.io' ? 'Socket.IO' : 'NestJS gateway';
      const missed = ratios.some(
        (r) => r.scenario === scenario && r.description.endsWith(peerName) && r.pass === false,
      );
      if (peer && missed) lines.push(`- ${boundLine(forge, peer, target, ceiling, raw, label)}`);
    }
  }
  if (lines.length > 0) {
    out.push('### What the profiles say about the echo targets that were missed', '', ...lines, '');
  }
  return out;
}
