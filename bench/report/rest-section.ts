import type { RestBroadcastRow } from '../scenarios/rest-broadcast.scenario.js';
import { measured, type BenchResults } from './bench-results.js';
import { computeRestRatios, isSmokeMode } from './rest-ratios.js';
import { TARGET_HEADERS, targetCells } from './target-cells.js';

/** Open and close the REST-triggered broadcast section, so that it can be rendered alone. */
export const REST_SECTION_START = '<!-- rest-broadcast-benchmark:start -->';
export const REST_SECTION_END = '<!-- rest-broadcast-benchmark:end -->';

const num = (value: number) => value.toLocaleString('en-US');

function line(cells: readonly (string | number)[]): string {
  return `| ${cells.map(String).join(' | ')} |`;
}

/**
 * The section's lines (markers included): the ratios beside each side's messages per socket
 * write, then every row. Empty when the run has no REST-triggered broadcast.
 */
export function renderRestSection(results: BenchResults): string[] {
  const rest = results.scenarios.restBroadcast;
  if (!rest) return [];
  const label = (id: string) => results.contenders[id] ?? id;
  const rows = [...rest.websocket, ...rest.sse].filter(measured<RestBroadcastRow>);
  const smoke = isSmokeMode(results.mode);
  const ratios = computeRestRatios(results.scenarios, results.mode);
  return [
    REST_SECTION_START,
    '## REST-triggered broadcast',
    '',
    `Run ${results.startedAt.slice(0, 10)}, mode **${results.mode}**` +
      (smoke ? ' (quick mode, smoke: windows too short to judge a target on).' : '.'),
    '`POST /broadcast {message, protocol}` from keep-alive HTTP connections, a fixed number of ' +
      'requests in flight (a new one when a broadcast has reached every subscriber). Both sides ' +
      'serve the request through the same Nest application on Express (body parser, router, ' +
      '`@Body()`, 204): the library’s controller calls `manager.broadcast`; the baseline’s ' +
      'controller builds the frame (or SSE event) once and writes it to every subscriber itself ' +
      '(`socket.write` of one prebuilt `ws` frame; `res.write` of one string), so the two differ ' +
      'only in how a broadcast reaches the subscribers. Rounds alternate. Messages per write ' +
      'counts deliveries over the server sockets’ `_write` + `_writev` calls (the HTTP answers ' +
      'included): above 1 when broadcasts of requests read in the same event-loop turn left in ' +
      'one write.',
    '',
    line([...TARGET_HEADERS]),
    line(TARGET_HEADERS.map(() => '---')),
    ...ratios.map((r) => line(targetCells(r, results.mode))),
    '',
    line([
      'contender',
      'subscribers',
      'rounds',
      'deliveries/s',
      'per server CPU-s',
      'p99 ms',
      'lost',
    ]),
    line(['---', '---', '---', '---', '---', '---', '---']),
    ...rows.map((r) =>
      line([
        label(r.contender),
        `${r.clients} ${r.protocol === 'sse' ? 'SSE' : 'WebSocket'}`,
        r.rounds,
        num(r.deliveriesPerSec),
        num(r.deliveriesPerServerCpuSec),
        r.p99Ms,
        r.lost,
      ]),
    ),
    REST_SECTION_END,
  ];
}

/** `markdown` with the section replaced, or added at the end when it has none. */
export function spliceRestSection(markdown: string, section: string): string {
  const start = markdown.indexOf(REST_SECTION_START);
  const end = markdown.indexOf(REST_SECTION_END);
  if (start >= 0 && end > start) {
    return `${markdown.slice(0, start)}${section}${markdown.slice(end + REST_SECTION_END.length)}`;
  }
  return `${markdown.replace(/\n*$/, '\n\n')}${section}\n`;
}
