import type { EchoRow } from '../scenarios/echo.scenario.js';
import type { GatewayBroadcastRow } from '../scenarios/gateway-broadcast.scenario.js';
import type { FailedRow } from '../scenarios/scenario-context.js';
import { measured, type BenchResults } from './bench-results.js';
import { costOf, echoPeerExplanation, type RoundTripCost } from './cpu-section.js';
import { TARGET_HEADERS, targetCells } from './target-cells.js';

/** Opens and closes the gateway section, so that it can be rendered into BENCHMARKS.md alone. */
export const GATEWAY_SECTION_START = '<!-- gateway-benchmark:start -->';
export const GATEWAY_SECTION_END = '<!-- gateway-benchmark:end -->';

type Label = (id: string) => string;

const num = (value: number) => value.toLocaleString('en-US');
const us = (value: number) => value.toFixed(1);

function table(headers: readonly string[], rows: readonly (string | number)[][]): string[] {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)];
}

function echoTable(rows: readonly EchoRow[], label: Label): string[] {
  return table(
    ['contender', 'clients', 'replies/s', 'spread', 'per server CPU-s', 'p50 ms', 'p99 ms'],
    rows.map((r) => [
      label(r.contender),
      r.clients,
      num(r.roundTripsPerSec),
      `${Math.round(r.roundTripSpread * 100)} %`,
      num(r.roundTripsPerServerCpuSec),
      r.p50Ms,
      r.p99Ms,
    ]),
  );
}

function broadcastTable(rows: readonly GatewayBroadcastRow[], label: Label): string[] {
  return table(
    [
      'contender',
      'clients',
      'message B',
      'in flight',
      'deliveries/s',
      'per server CPU-s',
      'server CPU share',
      'p99 ms',
      'lost',
    ],
    rows.map((r) => [
      label(r.contender),
      r.clients,
      r.frameBytes,
      r.broadcastWindow ?? '',
      num(r.deliveriesPerSec),
      num(r.deliveriesPerServerCpuSec),
      r.serverCpuShare,
      r.p99Ms,
      r.lost,
    ]),
  );
}

function cpuTable(costs: readonly RoundTripCost[], label: Label): string[] {
  return table(
    [
      'contender',
      'clients',
      'CPU µs per reply',
      'own code µs',
      'ws µs',
      'Node.js µs',
      'native µs',
      'GC µs',
    ],
    costs.map((c) => [
      label(c.row.contender),
      c.row.clients,
      us(c.totalUs),
      us(c.frameworkUs),
      us(c.wsUs),
      us(c.nodeUs),
      us(c.nativeUs),
      us(c.gcUs),
    ]),
  );
}

/** For each unmet request/reply target, what the profiles of the same run say about it. */
function explanations(results: BenchResults, echo: readonly EchoRow[], label: Label): string[] {
  const peers: Record<string, string> = {
    'vs Socket.IO acks': 'socket.io-ack',
    'vs NestJS @SubscribeMessage': 'nest-chat',
  };
  const out: string[] = [];
  for (const check of results.ratios) {
    const peerId = peers[check.description];
    if (!check.scenario.startsWith('gateway request/reply') || check.pass !== false || !peerId) {
      continue;
    }
    const clients = Number(/, (\d+) client/.exec(check.scenario)?.[1]);
    const row = (id: string) => echo.find((r) => r.contender === id && r.clients === clients);
    const forge = row('forge-gateway');
    const peer = row(peerId);
    const forgeCost = forge && costOf(forge);
    const peerCost = peer && costOf(peer);
    if (!forgeCost || !peerCost) continue;
    const frames = (forge.cpu?.topFrames ?? [])
      .map((f) => `\`${f.frame}\` ${Math.round(f.share * 1000) / 10} %`)
      .join(', ');
    out.push(
      `- ${check.scenario}, ${check.description} (${check.value}×, target ${check.target}×): ` +
        echoPeerExplanation(forgeCost, peerCost, check.target, undefined, row('ws-naive'), label) +
        (frames ? ` Top self-time frames of the library's server in that profile: ${frames}.` : ''),
    );
  }
  return out;
}

/**
 * The event gateway section of BENCHMARKS.md, between {@link GATEWAY_SECTION_START} and
 * {@link GATEWAY_SECTION_END}; empty when the run measured neither gateway scenario.
 */
export function renderGatewaySection(results: BenchResults, label: Label): string[] {
  const s = results.scenarios;
  if (!s.gatewayEcho && !s.gatewayBroadcast) return [];
  const echo = (s.gatewayEcho ?? []).filter(measured<EchoRow>);
  const fan = (s.gatewayBroadcast ?? []).filter(measured<GatewayBroadcastRow>);
  const checks = results.ratios.filter((r) => r.scenario.startsWith('gateway '));
  const smoke =
    results.mode === 'full' ? '' : ` (${results.mode} mode: smoke numbers, short windows)`;
  const costs = echo.map(costOf).filter((c): c is RoundTripCost => c !== undefined);
  const failed = [...(s.gatewayEcho ?? []), ...(s.gatewayBroadcast ?? [])].filter(
    (r): r is FailedRow => 'error' in r,
  );
  return [
    GATEWAY_SECTION_START,
    '## Event gateways',
    '',
    `Mode **${results.mode}**${smoke}, run ${results.startedAt}, on the machine above.`,
    '',
    '- Request/reply: each client sends `chat.send` with a small DTO (`{ room, text }`) and a request id and waits for the reply (`{ ok, text }`) before sending again; the library answers from an `@OnMessage` handler (`{"event","data","id"}` → `{"id","data"}`), Socket.IO through its acknowledgement callback (`42<id>[…]` → `43<id>[…]`), Nest from a `@SubscribeMessage` handler returning `{ event, data }` (it has no request ids: the id travels in the DTO). Interleaved rounds like the echo scenario; ratios are medians of round-by-round ratios.',
    "- Event broadcast: `manager.to(room).emit('chat.message', data)` to gateway connections that joined the room in `@OnConnect`, against raw `ws` writing one prebuilt frame to every socket (the target), the library's raw-route `manager.broadcast` and Socket.IO's `io.to(room).emit`; every contender's message has the same length on the wire (raw frames carry the envelope's length as payload).",
    '',
    ...table(
      [...TARGET_HEADERS],
      checks.map((r) => targetCells(r, results.mode)),
    ),
    '',
    ...(echo.length > 0 ? ['### Request/reply', '', ...echoTable(echo, label), ''] : []),
    ...(fan.length > 0 ? ['### Event broadcast', '', ...broadcastTable(fan, label), ''] : []),
    ...(costs.length > 0
      ? [
          "### Where the server's CPU goes (request/reply)",
          '',
          'Shares of a V8 CPU profile of a further window of the same load, applied to the measured CPU per reply. The profile is recorded in the server process through the inspector, whose own `dispatch` shows among the top frames.',
          '',
          ...cpuTable(costs, label),
          '',
          ...explanations(results, echo, label).flatMap((line) => [line, '']),
        ]
      : []),
    ...failed.map((f) => `- ${label(f.contender)}: not measured (${f.error})`),
    GATEWAY_SECTION_END,
    '',
  ];
}

/** `markdown` with its gateway section replaced by (or extended with) `section`. */
export function spliceGatewaySection(markdown: string, section: string): string {
  const start = markdown.indexOf(GATEWAY_SECTION_START);
  const end = markdown.indexOf(GATEWAY_SECTION_END);
  if (start >= 0 && end > start) {
    const after = markdown.slice(end + GATEWAY_SECTION_END.length).replace(/^\n+/, '');
    return `${markdown.slice(0, start)}${section}${after}`;
  }
  const closing = markdown.lastIndexOf('\nRaw results: ');
  if (closing < 0) return `${markdown.replace(/\n*$/, '\n\n')}${section}`;
  return `${markdown.slice(0, closing + 1)}${section}${markdown.slice(closing + 1)}`;
}

/** The gateway ratios of further runs (e.g. quick smoke runs beside a full one), one row each. */
export function renderOtherGatewayRuns(runs: readonly BenchResults[]): string[] {
  const rows = runs.flatMap((run) =>
    run.ratios
      .filter((r) => r.scenario.startsWith('gateway '))
      .map((r) => [
        `${run.mode}${run.mode === 'full' ? '' : ' (smoke)'}, ${run.startedAt}`,
        r.scenario,
        `${r.description}, ${r.metric}`,
        `${r.comparison} ${r.target}×`,
        r.value === null ? 'n/a' : `${r.value}×`,
        r.pass === null ? 'n/a' : r.pass ? 'yes' : '**no**',
      ]),
  );
  if (rows.length === 0) return [];
  return [
    '### Other runs',
    '',
    ...table(['run', 'scenario', 'comparison', 'target', 'measured', 'met'], rows),
    '',
  ];
}
