import type { EchoRow } from '../scenarios/echo.scenario.js';
import type { FanoutRow } from '../scenarios/fanout.scenario.js';
import type { IdleRow } from '../scenarios/idle.scenario.js';
import type { SseRow } from '../scenarios/sse-fanout.scenario.js';
import type { SlowConsumerRow } from '../scenarios/slow-consumer.scenario.js';
import { measured, type BenchResults, type RatioCheck } from './bench-results.js';

type Scenarios = BenchResults['scenarios'];

function check(
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

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/** The targets, each as a ratio of two contenders measured in the same run. */
export function computeRatios(scenarios: Scenarios): RatioCheck[] {
  const out: RatioCheck[] = [];
  const echo = (scenarios.echo ?? []).filter(measured<EchoRow>);
  for (const clients of [...new Set(echo.map((r) => r.clients))]) {
    const of = (id: string) => echo.find((r) => r.contender === id && r.clients === clients);
    const forge = of('forge');
    const label = `echo, ${clients} client${clients === 1 ? '' : 's'}`;
    out.push(
      check(
        label,
        'throughput vs raw ws',
        'round trips/s',
        '>=',
        0.9,
        ratio(forge?.roundTripsPerSec, of('ws-naive')?.roundTripsPerSec),
      ),
      check(
        label,
        'p99 vs raw ws',
        'p99 latency',
        '<=',
        1.2,
        ratio(forge?.p99Ms, of('ws-naive')?.p99Ms),
      ),
      check(
        label,
        'server CPU per round trip vs raw ws',
        'round trips per server CPU-s',
        '>=',
        0.9,
        ratio(forge?.roundTripsPerServerCpuSec, of('ws-naive')?.roundTripsPerServerCpuSec),
      ),
      check(
        label,
        'server CPU per round trip vs NestJS gateway',
        'round trips per server CPU-s',
        '>=',
        1.5,
        ratio(forge?.roundTripsPerServerCpuSec, of('nest-gateway')?.roundTripsPerServerCpuSec),
      ),
      check(
        label,
        'server CPU per round trip vs Socket.IO',
        'round trips per server CPU-s',
        '>=',
        2,
        ratio(forge?.roundTripsPerServerCpuSec, of('socket.io')?.roundTripsPerServerCpuSec),
      ),
      check(
        label,
        'throughput vs NestJS gateway',
        'round trips/s',
        '>=',
        1.5,
        ratio(forge?.roundTripsPerSec, of('nest-gateway')?.roundTripsPerSec),
      ),
      check(
        label,
        'throughput vs Socket.IO',
        'round trips/s',
        '>=',
        2,
        ratio(forge?.roundTripsPerSec, of('socket.io')?.roundTripsPerSec),
      ),
    );
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
        check(
          label,
          'vs raw ws frame-once',
          metric,
          '>=',
          0.9,
          ratio(forge?.[key], of('ws-frame-once')?.[key]),
        ),
        check(
          label,
          'vs raw ws naive',
          metric,
          '>=',
          3,
          ratio(forge?.[key], of('ws-naive')?.[key]),
        ),
        check(label, 'vs Socket.IO', metric, '>=', 2, ratio(forge?.[key], of('socket.io')?.[key])),
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
    for (const [metric, key] of [
      ['events per server CPU-s', 'eventsPerServerCpuSec'],
      ['events/s', 'eventsPerSec'],
    ] as const) {
      out.push(
        check(
          label,
          'vs node:http res.write',
          metric,
          '>=',
          0.9,
          ratio(sseOf('forge')?.[key], sseOf('http-sse')?.[key]),
        ),
        check(
          label,
          'vs NestJS @Sse()',
          metric,
          '>=',
          2,
          ratio(sseOf('forge')?.[key], sseOf('nest-sse')?.[key]),
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
