import { BENCH_TOKEN } from '../bench-config.js';
import { BenchSocket, closeSockets, openSockets } from '../load/bench-socket.js';
import { BroadcastDriver } from '../load/broadcast-driver.js';
import { LocalReceivers } from '../load/local-receivers.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  pick,
  round,
  sleep,
  withServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** One slow-consumer measurement: the same fan-out without and with a client that stops reading. */
export interface SlowConsumerRow {
  readonly contender: ContenderId;
  readonly clients: number;
  readonly payloadBytes: number;
  readonly baselineP99Ms: number;
  readonly withSlowP99Ms: number;
  /** withSlowP99Ms / baselineP99Ms. */
  readonly p99Ratio: number;
  readonly baselineDeliveriesPerSec: number;
  readonly withSlowDeliveriesPerSec: number;
  /** Growth of the server's RSS during the slow phase, peak over start. */
  readonly rssGrowthBytes: number;
  /** Growth of memory held outside the JS heap (socket buffers), peak over start. */
  readonly externalGrowthBytes: number;
  /** Bytes pushed towards the stalled client during the slow phase. */
  readonly bytesAimedAtSlowClient: number;
}

const SLOW_CONTENDERS: readonly ContenderId[] = ['forge', 'ws-naive'];
const SLOW_PAYLOAD = 4096;

/** Scenario (f): one client stops reading during a broadcast. */
export async function runSlowConsumer(
  context: ScenarioContext,
): Promise<(SlowConsumerRow | FailedRow)[]> {
  const rows: (SlowConsumerRow | FailedRow)[] = [];
  const clients = context.sizes.slowConsumerClients;
  const window = context.sizes.windowSeconds * 1000 * 1.5;
  for (const contender of pick(context, SLOW_CONTENDERS)) {
    const row = await withServer(context, contender, async (server): Promise<SlowConsumerRow> => {
      const receivers = new LocalReceivers(clients);
      const driver = () =>
        new BroadcastDriver(server, receivers, context.sizes.broadcastWindow, SLOW_PAYLOAD);
      const make = (i: number) =>
        new BenchSocket({
          port: server.port,
          dialect: CONTENDERS[contender].dialect,
          endpoint: 'fan',
          token: BENCH_TOKEN,
          onMessage: () => receivers.received(i),
        });
      const sockets = await openSockets(clients, make);
      let slow: BenchSocket | undefined;
      try {
        await driver().run(context.sizes.warmupSeconds * 1000);
        const baseline = await driver().run(window);

        slow = new BenchSocket({
          port: server.port,
          dialect: CONTENDERS[contender].dialect,
          endpoint: 'fan',
          token: BENCH_TOKEN,
        });
        await slow.ready;
        slow.stopReading();
        await sleep(100);
        const start = await server.usage(true);
        let peakRss = start.rss;
        let peakExternal = start.external + start.arrayBuffers;
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const u = await server.usage();
            peakRss = Math.max(peakRss, u.rss);
            peakExternal = Math.max(peakExternal, u.external + u.arrayBuffers);
            await sleep(200);
          }
        })();
        const withSlow = await driver().run(window);
        sampling = false;
        await sampler;
        const result: SlowConsumerRow = {
          contender,
          clients,
          payloadBytes: SLOW_PAYLOAD,
          baselineP99Ms: round(baseline.latency.p99Ms, 3),
          withSlowP99Ms: round(withSlow.latency.p99Ms, 3),
          p99Ratio: round(withSlow.latency.p99Ms / Math.max(baseline.latency.p99Ms, 1e-3)),
          baselineDeliveriesPerSec: Math.round(baseline.deliveries / baseline.elapsed),
          withSlowDeliveriesPerSec: Math.round(withSlow.deliveries / withSlow.elapsed),
          rssGrowthBytes: peakRss - start.rss,
          externalGrowthBytes: peakExternal - (start.external + start.arrayBuffers),
          bytesAimedAtSlowClient: withSlow.broadcasts * (SLOW_PAYLOAD + 4),
        };
        context.log(
          `  slow consumer ${CONTENDERS[contender].label}: p99 ${result.baselineP99Ms} → ${result.withSlowP99Ms} ms, rss +${Math.round(result.rssGrowthBytes / 1024)} KiB (aimed ${Math.round(result.bytesAimedAtSlowClient / 1024)} KiB)`,
        );
        return result;
      } finally {
        await closeSockets(slow ? [...sockets, slow] : sockets);
      }
    });
    rows.push(row);
  }
  return rows;
}
