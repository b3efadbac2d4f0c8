import { BroadcastDriver } from '../load/broadcast-driver.js';
import type { ReceiverPool } from '../load/receiver-pool.js';
import type { ServerProcess } from '../load/server-process.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  cpuSeconds,
  perWrite,
  writesBetween,
  openBroadcastReceivers,
  pick,
  round,
  withServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** One fan-out window at one in-flight depth. */
export interface FanoutMeasurement {
  /** Broadcasts kept in flight (absent in results recorded before depths were compared: 8). */
  readonly broadcastWindow?: number;
  readonly broadcasts: number;
  readonly deliveries: number;
  readonly lost: number;
  /** Deliveries per server socket write, or null when the server does not count writes. */
  readonly messagesPerWrite?: number | null;
  readonly deliveriesPerSec: number;
  readonly deliveriesPerServerCpuSec: number;
  readonly serverCpuShare: number;
  /**
   * Cores' worth of CPU the load generator (this process and its receiver threads: every client
   * socket, every frame parsed) used during the window. Together with `serverCpuShare` near the
   * machine's core count, the machine and not the server alone sets the pace. Absent in results
   * recorded before it was measured.
   */
  readonly loadCpuShare?: number;
  readonly p99Ms: number;
}

/** A contender's fan-out to one client count and payload size: its best in-flight depth. */
export interface FanoutRow extends FanoutMeasurement {
  readonly contender: ContenderId;
  readonly clients: number;
  readonly payloadBytes: number;
  /** Every depth measured, the best (this row's figures) included. */
  readonly depths?: readonly FanoutMeasurement[];
}

const FANOUT_CONTENDERS: readonly ContenderId[] = [
  'forge',
  'ws-frame-once',
  'ws-naive',
  'socket.io',
  'nest-gateway',
  'uws',
];

/** Broadcasts at `depth` in flight for one measured window (after a warm-up of `warmupMs`). */
export async function measure(
  context: ScenarioContext,
  server: ServerProcess,
  receivers: ReceiverPool,
  payloadBytes: number,
  depth: number,
  warmupMs: number,
): Promise<FanoutMeasurement> {
  await new BroadcastDriver(server, receivers, depth, payloadBytes).run(warmupMs);
  const driver = new BroadcastDriver(server, receivers, depth, payloadBytes);
  const before = await server.usage();
  const loadBefore = process.cpuUsage();
  const outcome = await driver.run(context.sizes.windowSeconds * 1000);
  const load = process.cpuUsage(loadBefore);
  const after = await server.usage();
  const cpu = cpuSeconds(before, after);
  return {
    broadcastWindow: depth,
    broadcasts: outcome.broadcasts,
    deliveries: outcome.deliveries,
    lost: outcome.lost,
    messagesPerWrite: perWrite(outcome.deliveries, writesBetween(before, after)),
    deliveriesPerSec: Math.round(outcome.deliveries / outcome.elapsed),
    deliveriesPerServerCpuSec: Math.round(outcome.deliveries / Math.max(cpu, 1e-3)),
    serverCpuShare: round(cpu / outcome.elapsed),
    loadCpuShare: round((load.user + load.system) / 1e6 / outcome.elapsed),
    p99Ms: round(outcome.latency.p99Ms, 3),
  };
}

/** The measurement with the most deliveries per second. */
export function best(measurements: readonly FanoutMeasurement[]): FanoutMeasurement {
  return measurements.reduce((a, b) => (b.deliveriesPerSec > a.deliveriesPerSec ? b : a));
}

/**
 * Scenario (b): broadcast fan-out to many WebSocket clients, small and 1 KiB payloads, each at
 * every in-flight depth of `fanoutWindows`; a contender's row is its best depth.
 */
export async function runFanout(context: ScenarioContext): Promise<(FanoutRow | FailedRow)[]> {
  const rows: (FanoutRow | FailedRow)[] = [];
  const { fanoutClients, fanoutPayloads, fanoutWindows, warmupSeconds } = context.sizes;
  for (const clients of fanoutClients) {
    for (const contender of pick(context, FANOUT_CONTENDERS)) {
      const label = CONTENDERS[contender].label;
      const result = await withServer(context, contender, async (server) => {
        const measured: FanoutRow[] = [];
        const receivers = await openBroadcastReceivers(server, contender, clients);
        try {
          // The first window warms the JIT up; later ones only refill the pipeline.
          let warmupMs = warmupSeconds * 1000;
          for (const payloadBytes of fanoutPayloads) {
            const depths: FanoutMeasurement[] = [];
            for (const depth of fanoutWindows) {
              const m = await measure(context, server, receivers, payloadBytes, depth, warmupMs);
              warmupMs = (warmupSeconds * 1000) / 4;
              context.log(
                `  fan-out ${clients}×${payloadBytes} B, ${depth} in flight, ${label}: ` +
                  `${m.deliveriesPerSec}/s, ${m.deliveriesPerServerCpuSec}/cpu-s, p99 ${m.p99Ms} ms ` +
                  `(server ${m.serverCpuShare}, load ${m.loadCpuShare} cores)`,
              );
              depths.push(m);
            }
            measured.push({ contender, clients, payloadBytes, ...best(depths), depths });
          }
        } finally {
          await receivers.close();
        }
        return measured;
      });
      if (Array.isArray(result)) rows.push(...result);
      else rows.push(result);
    }
  }
  return rows;
}
