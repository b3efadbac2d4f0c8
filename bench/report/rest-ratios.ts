import type { RestBroadcastRow } from '../scenarios/rest-broadcast.scenario.js';
import { measured, type BenchResults, type RatioCheck } from './bench-results.js';
import { check, rateRatio, withWrites } from './ratios.js';

/** The raw baseline each transport's REST-triggered broadcast is compared with. */
const BASELINES = { websocket: 'ws-rest', sse: 'http-sse-rest' } as const;

const BASELINE_LABELS = {
  websocket: 'vs raw ws frame-once per request (same Nest controller)',
  sse: 'vs res.write per request (same Nest controller)',
} as const;

/** True for runs whose windows are too short to judge a target on: smoke checks only. */
export function isSmokeMode(mode: string): boolean {
  return mode !== 'full';
}

/**
 * The REST-triggered broadcast targets (≥ 1.0× the raw baseline, per server CPU-second and per
 * second). In a smoke run (quick or tiny) the ratios are recorded but not judged (`pass: null`).
 */
export function computeRestRatios(
  scenarios: BenchResults['scenarios'],
  mode: string,
): RatioCheck[] {
  const out: RatioCheck[] = [];
  const rest = scenarios.restBroadcast;
  if (!rest) return out;
  for (const protocol of ['websocket', 'sse'] as const) {
    const rows = rest[protocol].filter(measured<RestBroadcastRow>);
    const forge = rows.find((r) => r.contender === 'forge-rest');
    const raw = rows.find((r) => r.contender === BASELINES[protocol]);
    if (!forge) continue;
    const name = protocol === 'sse' ? 'SSE' : 'WebSocket';
    const label = `REST-triggered ${name} fan-out, ${forge.clients} clients, ${forge.inFlight} requests in flight`;
    for (const perCpu of [true, false]) {
      const rated = (row: RestBroadcastRow | undefined) =>
        row && {
          rate: perCpu ? row.deliveriesPerServerCpuSec : row.deliveriesPerSec,
          rounds: perCpu ? row.roundRatesPerCpu : row.roundRates,
        };
      const metric = perCpu ? 'deliveries per server CPU-s' : 'deliveries/s';
      const judged = withWrites(
        check(
          label,
          BASELINE_LABELS[protocol],
          metric,
          '>=',
          1,
          rateRatio(rated(forge), rated(raw)),
        ),
        forge,
        raw,
      );
      out.push(isSmokeMode(mode) ? { ...judged, pass: null } : judged);
    }
  }
  return out;
}
