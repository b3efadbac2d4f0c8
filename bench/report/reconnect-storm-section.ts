import { STORM_BACKOFF } from '../scenarios/reconnect-storm-clients.js';
import { STORM_LABELS, type ReconnectStormRow } from '../scenarios/reconnect-storm.scenario.js';
import type { FailedRow } from '../scenarios/scenario-context.js';
import { measured, type BenchResults } from './bench-results.js';

/** Open and close the reconnect-storm section, so that it can be rendered alone. */
export const STORM_SECTION_START = '<!-- reconnect-storm-benchmark:start -->';
export const STORM_SECTION_END = '<!-- reconnect-storm-benchmark:end -->';

const num = (value: number) => value.toLocaleString('en-US');

function line(cells: readonly (string | number)[]): string {
  return `| ${cells.map(String).join(' | ')} |`;
}

function ratio(ours: number, theirs: number): string {
  return theirs > 0 ? `${(ours / theirs).toFixed(2)}×` : 'n/a';
}

function labelOf(row: ReconnectStormRow | FailedRow): string {
  return row.contender === 'forge' || row.contender === 'socket.io'
    ? STORM_LABELS[row.contender]
    : row.contender;
}

/** The section's lines (markers included); empty when the run has no reconnect storm. */
export function renderStormSection(results: BenchResults): string[] {
  const rows = results.scenarios.reconnectStorm;
  if (!rows) return [];
  const ok = rows.filter(measured<ReconnectStormRow>);
  const forge = ok.find((r) => r.contender === 'forge');
  const peer = ok.find((r) => r.contender === 'socket.io');
  const out = [
    STORM_SECTION_START,
    '## Reconnect storm',
    '',
    `Run ${results.startedAt.slice(0, 10)}, mode **${results.mode}**, ` +
      `${results.machine.cpus} cores shared by the server process and the load generator.`,
    'Every client of a room is dropped at once by the server (the library: each connection ' +
      'closed with 1012; Socket.IO: each engine socket closed, a "forced close" its recovery ' +
      'treats as a drop), then the server publishes ' +
      `${forge?.missedEvents ?? peer?.missedEvents ?? 3} events to the room. A client is back ` +
      'when it has reconnected and received every one of them, and its library said the state ' +
      'was recovered (`$recovered` with `recovered: true`; `socket.recovered`). Both clients ' +
      `use the same reconnect bounds (first ${STORM_BACKOFF.initialDelayMs} ms, cap ` +
      `${STORM_BACKOFF.maxDelayMs} ms) but their own jitter: full jitter (a delay uniform in ` +
      '[0, bound)) for the library, ±50 % around the bound for Socket.IO, so the times to be ' +
      'back are mostly the backoff shapes; server CPU per client and the handshake peak are ' +
      'the servers. The peak handshake rate is how hard the clients hit the server at once ' +
      '(lower is gentler: jitter spreads them), not how fast it can accept. Storms alternate ' +
      'between the two; figures are medians over the rounds, and the spread is (slowest − ' +
      'fastest) ÷ median of the all-back times (a storm against a server that has not run one ' +
      'yet can be several times slower).',
    '',
    line([
      'contender',
      'clients',
      'rounds',
      'back + recovered',
      'duplicates',
      'all back s',
      'spread',
      'median client s',
      'server CPU s',
      'server CPU ms per client',
      'peak handshakes/s',
    ]),
    line(Array.from({ length: 11 }, () => '---')),
    ...rows.map((r) =>
      measured<ReconnectStormRow>(r)
        ? line([
            labelOf(r),
            num(r.clients),
            r.rounds,
            `${num(r.caughtUp)} + ${num(r.recovered)}`,
            r.duplicates,
            r.allBackSeconds,
            `${Math.round(r.allBackSpread * 100)} %`,
            r.medianBackSeconds,
            r.serverCpuSeconds,
            ((r.serverCpuSeconds * 1000) / r.clients).toFixed(2),
            num(r.peakHandshakesPerSec),
          ])
        : line([labelOf(r), 'failed', r.error, '', '', '', '', '', '', '', '']),
    ),
    '',
  ];
  if (forge && peer) {
    out.push(
      'Ratios, the library ÷ Socket.IO (same run): time until all back ' +
        `${ratio(forge.allBackSeconds, peer.allBackSeconds)}, server CPU ` +
        `${ratio(forge.serverCpuSeconds, peer.serverCpuSeconds)}, peak handshake rate ` +
        `${ratio(forge.peakHandshakesPerSec, peer.peakHandshakesPerSec)}.`,
      '',
    );
  }
  out.push(STORM_SECTION_END);
  return out;
}

/** Puts `section` in place of the file's reconnect-storm section, or at its end. */
export function spliceStormSection(markdown: string, section: string): string {
  const start = markdown.indexOf(STORM_SECTION_START);
  const end = markdown.indexOf(STORM_SECTION_END);
  if (start >= 0 && end > start) {
    return `${markdown.slice(0, start)}${section}${markdown.slice(end + STORM_SECTION_END.length)}`;
  }
  return `${markdown.replace(/\n*$/, '\n\n')}${section}\n`;
}
