import type { EchoRow } from '../scenarios/echo.scenario.js';
import type { FanoutRow } from '../scenarios/fanout.scenario.js';
import type { IdleRow } from '../scenarios/idle.scenario.js';
import type { SseRow } from '../scenarios/sse-fanout.scenario.js';
import { measured, type BenchResults, type RatioCheck } from './bench-results.js';
import { costOf, echoPeerExplanation } from './cpu-section.js';
import { echoRate, rateRatio } from './ratios.js';
import { explainGatewayReply } from './gateway-missed-targets.js';

type Label = (id: string) => string;

/** The peers of the echo targets, by the name the ratio descriptions end with. */
const ECHO_PEERS: Readonly<Record<string, string>> = {
  'Socket.IO': 'socket.io',
  'NestJS gateway': 'nest-gateway',
  'raw ws': 'ws-naive',
};

/** The contender a fan-out ratio compares against, by its description. */
const FANOUT_PEERS: Readonly<Record<string, string>> = {
  'vs raw ws frame-once': 'ws-frame-once',
  'vs raw ws naive': 'ws-naive',
  'vs Socket.IO': 'socket.io',
};

const pct = (share: number) => `${Math.round(share * 100)} %`;

function clientsOf(scenario: string): number {
  return Number(/(\d+) client/.exec(scenario)?.[1] ?? NaN);
}

/**
 * The library on Fastify runs the same message path as on Express (only the HTTP server under
 * the upgrade differs): how far apart the two land against raw `ws` in one run is how finely
 * that run can tell such ratios apart.
 */
function sameCodeControl(fastify: EchoRow | undefined, express: EchoRow, raw: EchoRow): string {
  if (!fastify) return '';
  const onFastify = rateRatio(echoRate(fastify, true), echoRate(raw, true));
  const onExpress = rateRatio(echoRate(express, true), echoRate(raw, true));
  if (onFastify === undefined || onExpress === undefined) return '';
  if (Math.abs(onFastify - onExpress) < 0.01) {
    return (
      ` Control: the library on Fastify, the same message path behind another HTTP server, ` +
      `measured ${onFastify.toFixed(2)}× raw \`ws\` per CPU-second in the same run, as on ` +
      `Express (${onExpress.toFixed(2)}×): the gap shows on both HTTP servers.`
    );
  }
  return (
    ` Control: the library on Fastify, the same message path behind another HTTP server, ` +
    `measured ${onFastify.toFixed(2)}× raw \`ws\` per CPU-second in the same run ` +
    `(${onExpress.toFixed(2)}× on Express), so this run does not resolve differences of ` +
    `${pct(Math.abs(onFastify - onExpress))} or less.`
  );
}

function explainEcho(check: RatioCheck, results: BenchResults, label: Label): string | undefined {
  const clients = clientsOf(check.scenario);
  const rows = (results.scenarios.echo ?? []).filter(measured<EchoRow>);
  const inFlight = Number(/(\d+) in flight/.exec(check.scenario)?.[1] ?? 1);
  const row = (id: string) =>
    rows.find((r) => r.contender === id && r.clients === clients && (r.inFlight ?? 1) === inFlight);
  const peerName = Object.keys(ECHO_PEERS).find((name) => check.description.endsWith(name));
  // The onMessage-form checks compare the build whose echo route uses `conn.onMessage` (when
  // the results hold it).
  const forgeRow =
    (check.description.startsWith('onMessage form') ? row('forge-sync') : undefined) ??
    row('forge');
  const forge = forgeRow && costOf(forgeRow);
  if (!peerName || !forge) return undefined;
  const peerId = ECHO_PEERS[peerName];
  const peerRow = row(peerId);
  const peer = peerRow && costOf(peerRow);
  if (!peer) return undefined;
  if (peerId === 'ws-naive') {
    const spread = Math.max(forgeRow.roundTripSpread ?? NaN, peerRow.roundTripSpread ?? NaN);
    return (
      `The profile puts the library's own code at ${forge.frameworkUs.toFixed(1)} µs of its ` +
      `${forge.totalUs.toFixed(1)} µs per round trip, against ${peer.totalUs.toFixed(1)} µs for ` +
      `raw \`ws\` in all; the two share every other step (\`ws\` parsing, Node.js streams, the ` +
      `system calls).` +
      (Number.isFinite(spread)
        ? ` Their throughput moved by up to ${pct(spread)} between rounds in this run.`
        : '') +
      sameCodeControl(row('forge-fastify'), forgeRow, peerRow)
    );
  }
  const target = check.target;
  return echoPeerExplanation(forge, peer, target, row('uws'), row('ws-naive'), label);
}

function explainFanout(check: RatioCheck, results: BenchResults, label: Label): string | undefined {
  const match = /fan-out, (\d+) clients × (\d+) B/.exec(check.scenario);
  const peerId = FANOUT_PEERS[check.description];
  if (!match || !peerId || check.metric !== 'deliveries/s') return undefined;
  const [clients, bytes] = [Number(match[1]), Number(match[2])];
  const rows = (results.scenarios.fanout ?? []).filter(measured<FanoutRow>);
  const row = (id: string) =>
    rows.find((r) => r.contender === id && r.clients === clients && r.payloadBytes === bytes);
  const forge = row('forge');
  const peer = row(peerId);
  if (!forge || !peer) return undefined;
  const perCpu = forge.deliveriesPerServerCpuSec / peer.deliveriesPerServerCpuSec;
  const cores = results.machine.cpus;
  const used = forge.serverCpuShare + (forge.loadCpuShare ?? 0);
  const pace =
    forge.serverCpuShare < 0.8
      ? ` The library's server was not saturated; with the load generator, which parses every ` +
        `frame with \`ws\`, it kept ${used.toFixed(2)} of the machine's ${cores} cores busy.`
      : '';
  return (
    `The library's server was busy ${pct(forge.serverCpuShare)} of the window, the one of ` +
    `${label(peerId)} ${pct(peer.serverCpuShare)}.${pace}` +
    machineBound(forge, peer, label(peerId), cores) +
    ` Per server CPU-second the same comparison gives ${perCpu.toFixed(2)}×.`
  );
}

/** CPU microseconds per delivery: server and load generator (absent in older results). */
function costsPerDelivery(row: FanoutRow): { server: number; load: number } | undefined {
  if (row.loadCpuShare === undefined || row.deliveriesPerSec <= 0) return undefined;
  return {
    server: (row.serverCpuShare / row.deliveriesPerSec) * 1e6,
    load: (row.loadCpuShare / row.deliveriesPerSec) * 1e6,
  };
}

/**
 * What the machine's cores, shared by the server and the load generator, allow: each delivery
 * costs the sum of both processes' CPU, so however the load were spread the library could not
 * pass `cores` ÷ that sum.
 */
function machineBound(forge: FanoutRow, peer: FanoutRow, peerLabel: string, cores: number): string {
  const own = costsPerDelivery(forge);
  const other = costsPerDelivery(peer);
  if (!own || !other) return '';
  const ceiling = cores / ((own.server + own.load) / 1e6);
  return (
    ` Per delivery the library's server spent ${own.server.toFixed(2)} µs of CPU and the load ` +
    `generator ${own.load.toFixed(2)} µs (${peerLabel}: ${other.server.toFixed(2)} µs and ` +
    `${other.load.toFixed(2)} µs). ${cores} cores shared by both processes cap the library at ` +
    `${Math.round(ceiling).toLocaleString('en-US')} deliveries/s, ` +
    `${(ceiling / peer.deliveriesPerSec).toFixed(2)}× ${peerLabel}'s measured rate, however ` +
    `the load were spread.`
  );
}

/** The contender an SSE ratio compares against, by its description. */
const SSE_PEERS: Readonly<Record<string, string>> = {
  'vs node:http res.write': 'http-sse',
  'vs NestJS @Sse()': 'nest-sse',
};

/** How far the round-by-round ratios of an interleaved SSE comparison spread. */
function explainSse(check: RatioCheck, results: BenchResults, label: Label): string | undefined {
  const peerId = SSE_PEERS[check.description];
  const rows = (results.scenarios.sse ?? []).filter(measured<SseRow>);
  const forge = rows.find((r) => r.contender === 'forge');
  const peer = rows.find((r) => r.contender === peerId);
  if (!peerId || !forge || !peer) return undefined;
  const perCpu = check.metric.includes('CPU');
  const own = perCpu ? forge.roundRatesPerCpu : forge.roundRates;
  const other = perCpu ? peer.roundRatesPerCpu : peer.roundRates;
  if (!own || !other || own.length !== other.length || own.length < 2) return undefined;
  const ratios = own.map((value, i) => value / Math.max(other[i], 1)).sort((a, b) => a - b);
  const wins = ratios.filter((r) => r >= check.target).length;
  return (
    `Round by round against ${label(peerId)} the ratio ranged from ` +
    `${ratios[0].toFixed(2)}× to ${ratios[ratios.length - 1].toFixed(2)}×, and met the target in ` +
    `${wins} of ${ratios.length} rounds (both servers write one chunk per event to every ` +
    `socket): the spread between rounds is wider than the gap to the target.`
  );
}

function explainIdle(check: RatioCheck, results: BenchResults): string | undefined {
  const rows = (results.scenarios.idle ?? []).filter(measured<IdleRow>);
  const forge = rows.find((r) => r.contender === 'forge');
  const raw = rows.find((r) => r.contender === 'ws-naive');
  if (!forge || !raw) return undefined;
  return (
    `Per connection the library holds ${forge.heapBytesPerConnection} B of heap against ` +
    `${raw.heapBytesPerConnection} B for raw \`ws\` (RSS ${forge.rssBytesPerConnection} B against ` +
    `${raw.rssBytesPerConnection} B). The difference is what a connection of the library carries ` +
    `beyond the \`ws\` socket: the connection object, its id, the handshake request (path, query, ` +
    `headers, client address) and its entries in the registry indexes.`
  );
}

/**
 * One line per target that was not met, with what the same run's data says about it: profiles
 * for echo, the server's CPU share for fan-out rates, the per-connection split for memory, the
 * raw `ws` floor for gateway request/reply.
 */
export function renderMissedTargets(results: BenchResults, label: Label): string[] {
  const missed = results.ratios.filter((r) => r.pass === false);
  if (missed.length === 0) return [];
  // Checks with the same explanation (one comparison, two metrics) share one line.
  const groups = new Map<string, string[]>();
  for (const check of missed) {
    const explanation =
      (check.scenario.startsWith('echo')
        ? explainEcho(check, results, label)
        : check.scenario.startsWith('fan-out')
          ? explainFanout(check, results, label)
          : check.scenario.startsWith('idle')
            ? explainIdle(check, results)
            : check.scenario.startsWith('SSE')
              ? explainSse(check, results, label)
              : check.scenario.startsWith('gateway request/reply')
                ? explainGatewayReply(check, results, label)
                : undefined) ?? 'No further data in this run.';
    const key = `${check.scenario}\n${explanation}`;
    const heads = groups.get(key) ?? [];
    heads.push(
      `${check.description}, ${check.metric}: ${check.value}× (target ${check.comparison} ${check.target}×)`,
    );
    groups.set(key, heads);
  }
  const lines = [...groups].map(([key, heads]) => {
    const [scenario, explanation] = key.split('\n');
    return `- **${scenario}** — ${heads.join('; ')}. ${explanation}`;
  });
  return ['## Targets not met, and why', '', ...lines, ''];
}
