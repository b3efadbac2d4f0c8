import type { EchoRow } from '../scenarios/echo.scenario.js';
import type { FanoutRow } from '../scenarios/fanout.scenario.js';
import type { IdleRow } from '../scenarios/idle.scenario.js';
import type { SseRow } from '../scenarios/sse-fanout.scenario.js';
import type { SlowConsumerRow } from '../scenarios/slow-consumer.scenario.js';
import { median } from '../scenarios/scenario-context.js';
import { measured, type BenchResults, type RatioCheck } from './bench-results.js';

type Scenarios = BenchResults['scenarios'];

/** One target check of `value` against `target`. */
export function check(
  scenario: string,
  description: string,
  metric: string,
  comparison: '>=' | '<=',
  target: number,
  value: number | undefined,
): RatioCheck {
  const ratio =
    value === undefined || !Number.isFinite(value) ? null : Math.round(value * 100) / 100;
  const pass = ratio === null ? null : comparison === '>=' ? ratio >= target : ratio <= target;
  return { scenario, description, metric, comparison, target, value: ratio, pass };
}

/** A row that may carry its messages per socket write. */
interface Written {
  readonly messagesPerWrite?: number | null;
}

/** `checked` with the messages per write of its two sides beside it. */
export function withWrites(
  checked: RatioCheck,
  subject: Written | undefined,
  baseline: Written | undefined,
): RatioCheck {
  return {
    ...checked,
    messagesPerWrite: [subject?.messagesPerWrite ?? null, baseline?.messagesPerWrite ?? null],
  };
}

/** a ÷ b, or undefined when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/** One side of an interleaved comparison: its median rate and, when recorded, each round's. */
export interface Rated {
  readonly rate: number;
  readonly rounds: readonly number[] | undefined;
}

/**
 * Throughput ratio of two interleaved rows: the median of the round-by-round ratios (round n of
 * both ran back to back, so a slow minute of the machine slows both sides alike), or the ratio of
 * the medians when the rows carry no comparable rounds.
 */
export function rateRatio(a: Rated | undefined, b: Rated | undefined): number | undefined {
  const [x, y] = [a?.rounds, b?.rounds];
  if (x && y && x.length > 0 && x.length === y.length && y.every((v) => v > 0)) {
    return median(x.map((v, i) => v / y[i]));
  }
  return ratio(a?.rate, b?.rate);
}

/** An echo row's rate (per server CPU-second when `perCpu`) and its rounds. */
export const echoRate = (row: EchoRow | undefined, perCpu: boolean): Rated | undefined =>
  row && {
    rate: perCpu ? row.roundTripsPerServerCpuSec : row.roundTripsPerSec,
    rounds: perCpu ? row.roundRatesPerCpu : row.roundRates,
  };

const sseRate = (row: SseRow | undefined, perCpu: boolean): Rated | undefined =>
  row && {
    rate: perCpu ? row.eventsPerServerCpuSec : row.eventsPerSec,
    rounds: perCpu ? row.roundRatesPerCpu : row.roundRates,
  };

/** The targets, each as a ratio of two contenders measured in the same run. */
export function computeRatios(scenarios: Scenarios): RatioCheck[] {
  const out: RatioCheck[] = [];
  const echo = (scenarios.echo ?? []).filter(measured<EchoRow>);
  const cases = [...new Set(echo.map((r) => `${r.clients}:${r.inFlight ?? 1}`))];
  for (const key of cases) {
    const [clients, inFlight] = key.split(':').map(Number);
    const of = (id: string) =>
      echo.find(
        (r) => r.contender === id && r.clients === clients && (r.inFlight ?? 1) === inFlight,
      );
    const forge = of('forge');
    const sync = of('forge-sync');
    const label =
      `echo, ${clients} client${clients === 1 ? '' : 's'}` +
      (inFlight === 1 ? '' : `, ${inFlight} in flight`);
    const vs = (id: string, perCpu: boolean) =>
      rateRatio(echoRate(forge, perCpu), echoRate(of(id), perCpu));
    const syncVs = (id: string, perCpu: boolean) =>
      rateRatio(echoRate(sync, perCpu), echoRate(of(id), perCpu));
    const cpuMetric = 'round trips per server CPU-s';
    const checks: [RatioCheck, EchoRow | undefined, string][] = [
      [
        check(label, 'throughput vs raw ws', 'round trips/s', '>=', 0.9, vs('ws-naive', false)),
        forge,
        'ws-naive',
      ],
      [
        check(
          label,
          'p99 vs raw ws',
          'p99 latency',
          '<=',
          1.2,
          ratio(forge?.p99Ms, of('ws-naive')?.p99Ms),
        ),
        forge,
        'ws-naive',
      ],
      [
        check(
          label,
          'server CPU per round trip vs raw ws',
          cpuMetric,
          '>=',
          0.9,
          vs('ws-naive', true),
        ),
        forge,
        'ws-naive',
      ],
      [
        check(
          label,
          'for await form: server CPU per round trip vs raw ws',
          cpuMetric,
          '>=',
          0.95,
          vs('ws-naive', true),
        ),
        forge,
        'ws-naive',
      ],
      [
        check(
          label,
          'onMessage form: server CPU per round trip vs raw ws',
          cpuMetric,
          '>=',
          1,
          syncVs('ws-naive', true),
        ),
        sync,
        'ws-naive',
      ],
      [
        check(
          label,
          'onMessage form: server CPU per round trip vs Socket.IO',
          cpuMetric,
          '>=',
          1.5,
          syncVs('socket.io', true),
        ),
        sync,
        'socket.io',
      ],
      [
        check(
          label,
          'server CPU per round trip vs NestJS gateway',
          cpuMetric,
          '>=',
          1.5,
          vs('nest-gateway', true),
        ),
        forge,
        'nest-gateway',
      ],
      [
        check(
          label,
          'server CPU per round trip vs Socket.IO',
          cpuMetric,
          '>=',
          2,
          vs('socket.io', true),
        ),
        forge,
        'socket.io',
      ],
      [
        check(
          label,
          'throughput vs NestJS gateway',
          'round trips/s',
          '>=',
          1.5,
          vs('nest-gateway', false),
        ),
        forge,
        'nest-gateway',
      ],
      [
        check(label, 'throughput vs Socket.IO', 'round trips/s', '>=', 2, vs('socket.io', false)),
        forge,
        'socket.io',
      ],
    ];
    for (const [checked, subject, baseline] of checks) {
      if (checked.value === null && subject === undefined) continue;
      out.push(withWrites(checked, subject, of(baseline)));
    }
  }
  const fan = (scenarios.fanout ?? []).filter(measured<FanoutRow>);
  const groups = [...new Set(fan.map((r) => `${r.clients}:${r.payloadBytes}`))];
  for (const group of groups) {
    const [clients, bytes] = group.split(':').map(Number);
    const of = (id: string) =>
      fan.find((r) => r.contender === id && r.clients === clients && r.payloadBytes === bytes);
    const forge = of('forge');
    const label = `fan-out, ${clients} clients × ${bytes} B`;
    for (const [metric, key] of [
      ['deliveries per server CPU-s', 'deliveriesPerServerCpuSec'],
      ['deliveries/s', 'deliveriesPerSec'],
    ] as const) {
      out.push(
        withWrites(
          check(
            label,
            'vs raw ws frame-once',
            metric,
            '>=',
            0.9,
            ratio(forge?.[key], of('ws-frame-once')?.[key]),
          ),
          forge,
          of('ws-frame-once'),
        ),
        withWrites(
          check(
            label,
            'vs raw ws naive',
            metric,
            '>=',
            3,
            ratio(forge?.[key], of('ws-naive')?.[key]),
          ),
          forge,
          of('ws-naive'),
        ),
        withWrites(
          check(
            label,
            'vs Socket.IO',
            metric,
            '>=',
            2,
            ratio(forge?.[key], of('socket.io')?.[key]),
          ),
          forge,
          of('socket.io'),
        ),
      );
    }
  }
  const idle = (scenarios.idle ?? []).filter(measured<IdleRow>);
  const idleOf = (id: string) => idle.find((r) => r.contender === id);
  if (idle.length > 0) {
    const rss = (id: string) => {
      const value = idleOf(id)?.rssBytesPerConnection;
      return value !== undefined && value > 0 ? value : undefined;
    };
    out.push(
      check(
        `idle, ${idle[0].connections} connections`,
        'memory per connection vs raw ws',
        'heap + external per connection',
        '<=',
        1.3,
        ratio(
          idleOf('forge')?.allocatedBytesPerConnection,
          idleOf('ws-naive')?.allocatedBytesPerConnection,
        ),
      ),
      check(
        `idle, ${idle[0].connections} connections`,
        'memory per connection vs raw ws',
        'RSS per connection',
        '<=',
        1.3,
        ratio(rss('forge'), rss('ws-naive')),
      ),
    );
  }
  const sse = (scenarios.sse ?? []).filter(measured<SseRow>);
  const sseOf = (id: string) => sse.find((r) => r.contender === id);
  if (sse.length > 0) {
    const label = `SSE fan-out, ${sse[0].clients} clients`;
    const vs = (id: string, perCpu: boolean) =>
      rateRatio(sseRate(sseOf('forge'), perCpu), sseRate(sseOf(id), perCpu));
    for (const [metric, perCpu] of [
      ['events per server CPU-s', true],
      ['events/s', false],
    ] as const) {
      out.push(
        withWrites(
          check(label, 'vs node:http res.write', metric, '>=', 0.9, vs('http-sse', perCpu)),
          sseOf('forge'),
          sseOf('http-sse'),
        ),
        withWrites(
          check(label, 'vs NestJS @Sse()', metric, '>=', 2, vs('nest-sse', perCpu)),
          sseOf('forge'),
          sseOf('nest-sse'),
        ),
      );
    }
  }
  const slow = (scenarios.slowConsumer ?? []).filter(measured<SlowConsumerRow>);
  const slowForge = slow.find((r) => r.contender === 'forge');
  if (slowForge) {
    out.push(
      check(
        `slow consumer, ${slowForge.clients} clients`,
        "others' p99 with a stalled client vs without",
        'p99 latency',
        '<=',
        1.1,
        slowForge.p99Ratio,
      ),
    );
  }
  return out;
}
