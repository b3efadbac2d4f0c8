import type { EchoRow } from '../scenarios/echo.scenario.js';
import type { GatewayBroadcastRow } from '../scenarios/gateway-broadcast.scenario.js';
import { measured, type BenchResults, type RatioCheck } from './bench-results.js';
import { check, echoRate, rateRatio, ratio, withWrites } from './ratios.js';

/**
 * The event gateways' targets: request/reply per server CPU-second against Socket.IO with acks
 * and Nest's `@SubscribeMessage` gateway (≥ 1.5×), the room event broadcast against raw `ws`
 * writing one prebuilt frame (≥ 0.9×).
 */
export function computeGatewayRatios(scenarios: BenchResults['scenarios']): RatioCheck[] {
  const out: RatioCheck[] = [];
  const echo = (scenarios.gatewayEcho ?? []).filter(measured<EchoRow>);
  for (const clients of [...new Set(echo.map((r) => r.clients))]) {
    const of = (id: string) => echo.find((r) => r.contender === id && r.clients === clients);
    const label = `gateway request/reply, ${clients} client${clients === 1 ? '' : 's'}`;
    const vs = (id: string, perCpu: boolean) =>
      rateRatio(echoRate(of('forge-gateway'), perCpu), echoRate(of(id), perCpu));
    const metric = 'replies per server CPU-s';
    out.push(
      withWrites(
        check(label, 'vs Socket.IO acks', metric, '>=', 1.5, vs('socket.io-ack', true)),
        of('forge-gateway'),
        of('socket.io-ack'),
      ),
      withWrites(
        check(label, 'vs NestJS @SubscribeMessage', metric, '>=', 1.5, vs('nest-chat', true)),
        of('forge-gateway'),
        of('nest-chat'),
      ),
    );
  }
  const fan = (scenarios.gatewayBroadcast ?? []).filter(measured<GatewayBroadcastRow>);
  const forge = fan.find((r) => r.contender === 'forge-gateway');
  const raw = fan.find((r) => r.contender === 'ws-frame-once');
  if (forge) {
    const label = `gateway event broadcast, ${forge.clients} clients × ${forge.frameBytes} B`;
    for (const [metric, key] of [
      ['deliveries per server CPU-s', 'deliveriesPerServerCpuSec'],
      ['deliveries/s', 'deliveriesPerSec'],
    ] as const) {
      out.push(
        withWrites(
          check(
            label,
            'to(room).emit vs raw ws frame-once',
            metric,
            '>=',
            0.9,
            ratio(forge[key], raw?.[key]),
          ),
          forge,
          raw,
        ),
      );
    }
  }
  return out;
}
