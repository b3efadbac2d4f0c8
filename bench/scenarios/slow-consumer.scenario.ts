import { BENCH_TOKEN } from '../bench-config.js';
import { BenchSocket, closeSockets } from '../load/bench-socket.js';
import { BroadcastDriver, type BroadcastOutcome } from '../load/broadcast-driver.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  openBroadcastReceivers,
  pick,
  round,
  sleep,
  withServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/**
 * One slow-consumer measurement: the same fan-out before, with and after a client that stops
 * reading. The machine drifts between phases; comparing the stalled phase with the mean of the
 * phases around it takes a steady drift out of the ratio.
 */
export interface SlowConsumerRow {
  readonly contender: ContenderId;
  readonly clients: number;
  readonly payloadBytes: number;
  /** Mean of the p99 before and after the stalled phase (before only, in older results). */
  readonly baselineP99Ms: number;
  /** The p99 before and after (absent in results recorded with a single baseline). */
  readonly baselineBeforeP99Ms?: number;
  readonly baselineAfterP99Ms?: number;
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

/** Peak server memory sampled every 200 ms while `phase` runs. */
async function sampledPeak<T>(
  usage: () => Promise<{ rss: number; external: number; arrayBuffers: number }>,
  phase: () => Promise<T>,
): Promise<{ result: T; peakRss: number; peakExternal: number }> {
  let peakRss = 0;
  let peakExternal = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const u = await usage();
      peakRss = Math.max(peakRss, u.rss);
      peakExternal = Math.max(peakExternal, u.external + u.arrayBuffers);
      await sleep(200);
    }
  })();
  try {
    return { result: await phase(), peakRss, peakExternal };
  } finally {
    sampling = false;
    await sampler;
  }
}

/** Scenario (f): one client stops reading during a broadcast. */
export async function runSlowConsumer(
  context: ScenarioContext,
): Promise<(SlowConsumerRow | FailedRow)[]> {
  const rows: (SlowConsumerRow | FailedRow)[] = [];
  const clients = context.sizes.slowConsumerClients;
  const windowMs = context.sizes.windowSeconds * 1000 * 1.5;
  for (const contender of pick(context, SLOW_CONTENDERS)) {
    const row = await withServer(context, contender, async (server): Promise<SlowConsumerRow> => {
      const receivers = await openBroadcastReceivers(server, contender, clients);
      const phase = (ms: number): Promise<BroadcastOutcome> =>
        new BroadcastDriver(server, receivers, context.sizes.broadcastWindow, SLOW_PAYLOAD).run(ms);
      // Every measured phase starts and runs alike (a full GC, memory sampled every 200 ms),
      // so that the stalled client is the only difference between them.
      const measured = async () => {
        await sleep(100);
        const start = await server.usage(true);
        const sampled = await sampledPeak(
          () => server.usage(),
          () => phase(windowMs),
        );
        return { ...sampled, start };
      };
      let slow: BenchSocket | undefined;
      try {
        await phase(context.sizes.warmupSeconds * 1000);
        const before = (await measured()).result;

        slow = new BenchSocket({
          port: server.port,
          dialect: CONTENDERS[contender].dialect,
          endpoint: 'fan',
          token: BENCH_TOKEN,
        });
        await slow.ready;
        slow.stopReading();
        const stalled = await measured();
        const { start, result: withSlow } = stalled;
        await closeSockets([slow]);
        slow = undefined;
        const after = (await measured()).result;

        const baselineP99 = (before.latency.p99Ms + after.latency.p99Ms) / 2;
        const rate = (o: BroadcastOutcome) => o.deliveries / o.elapsed;
        const result: SlowConsumerRow = {
          contender,
          clients,
          payloadBytes: SLOW_PAYLOAD,
          baselineP99Ms: round(baselineP99, 3),
          baselineBeforeP99Ms: round(before.latency.p99Ms, 3),
          baselineAfterP99Ms: round(after.latency.p99Ms, 3),
          withSlowP99Ms: round(withSlow.latency.p99Ms, 3),
          p99Ratio: round(withSlow.latency.p99Ms / Math.max(baselineP99, 1e-3)),
          baselineDeliveriesPerSec: Math.round((rate(before) + rate(after)) / 2),
          withSlowDeliveriesPerSec: Math.round(rate(withSlow)),
          rssGrowthBytes: Math.max(0, stalled.peakRss - start.rss),
          externalGrowthBytes: Math.max(
            0,
            stalled.peakExternal - (start.external + start.arrayBuffers),
          ),
          bytesAimedAtSlowClient: withSlow.broadcasts * (SLOW_PAYLOAD + 4),
        };
        context.log(
          `  slow consumer ${CONTENDERS[contender].label}: p99 ${result.baselineBeforeP99Ms} → ` +
            `${result.withSlowP99Ms} → ${result.baselineAfterP99Ms} ms, rss +` +
            `${Math.round(result.rssGrowthBytes / 1024)} KiB (aimed ` +
            `${Math.round(result.bytesAimedAtSlowClient / 1024)} KiB)`,
        );
        return result;
      } finally {
        if (slow) await closeSockets([slow]);
        await receivers.close();
      }
    });
    rows.push(row);
  }
  return rows;
}
