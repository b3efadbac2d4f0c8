import { BENCH_TOKEN } from '../bench-config.js';
import { BenchSocket, closeSockets, openSockets } from '../load/bench-socket.js';
import { BroadcastDriver } from '../load/broadcast-driver.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  cpuSeconds,
  pick,
  round,
  withServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** One fan-out measurement. */
export interface FanoutRow {
  readonly contender: ContenderId;
  readonly clients: number;
  readonly payloadBytes: number;
  readonly broadcasts: number;
  readonly deliveries: number;
  readonly lost: number;
  readonly deliveriesPerSec: number;
  readonly deliveriesPerServerCpuSec: number;
  readonly serverCpuShare: number;
  /**
   * Share of one core the load generator (this process: every client socket, every frame parsed)
   * used during the window. Near 1, it and not the server sets the pace. Absent in results
   * recorded before it was measured.
   */
  readonly loadCpuShare?: number;
  readonly p99Ms: number;
}

const FANOUT_CONTENDERS: readonly ContenderId[] = [
  'forge',
  'ws-frame-once',
  'ws-naive',
  'socket.io',
  'nest-gateway',
  'uws',
];

/** Scenario (b): broadcast fan-out to many WebSocket clients, small and 1 KiB payloads. */
export async function runFanout(context: ScenarioContext): Promise<(FanoutRow | FailedRow)[]> {
  const rows: (FanoutRow | FailedRow)[] = [];
  for (const clients of context.sizes.fanoutClients) {
    for (const contender of pick(context, FANOUT_CONTENDERS)) {
      const result = await withServer(context, contender, async (server) => {
        const measured: FanoutRow[] = [];
        let driver: BroadcastDriver | undefined;
        const sockets = await openSockets(
          clients,
          (i) =>
            new BenchSocket({
              port: server.port,
              dialect: CONTENDERS[contender].dialect,
              endpoint: 'fan',
              token: BENCH_TOKEN,
              onMessage: () => driver?.received(i),
            }),
        );
        try {
          for (const size of context.sizes.fanoutPayloads) {
            driver = new BroadcastDriver(server, clients, context.sizes.broadcastWindow, size);
            await driver.run(context.sizes.warmupSeconds * 1000);
            driver = new BroadcastDriver(server, clients, context.sizes.broadcastWindow, size);
            const before = await server.usage();
            const loadBefore = process.cpuUsage();
            const outcome = await driver.run(context.sizes.windowSeconds * 1000);
            const load = process.cpuUsage(loadBefore);
            const after = await server.usage();
            const cpu = cpuSeconds(before, after);
            const row: FanoutRow = {
              contender,
              clients,
              payloadBytes: size,
              broadcasts: outcome.broadcasts,
              deliveries: outcome.deliveries,
              lost: outcome.lost,
              deliveriesPerSec: Math.round(outcome.deliveries / outcome.elapsed),
              deliveriesPerServerCpuSec: Math.round(outcome.deliveries / Math.max(cpu, 1e-3)),
              serverCpuShare: round(cpu / outcome.elapsed),
              loadCpuShare: round((load.user + load.system) / 1e6 / outcome.elapsed),
              p99Ms: round(outcome.latency.p99Ms, 3),
            };
            context.log(
              `  fan-out ${clients}×${size} B ${CONTENDERS[contender].label}: ${row.deliveriesPerSec}/s, ${row.deliveriesPerServerCpuSec}/cpu-s, p99 ${row.p99Ms} ms`,
            );
            measured.push(row);
          }
        } finally {
          driver = undefined;
          await closeSockets(sockets);
        }
        return measured;
      });
      if (Array.isArray(result)) rows.push(...result);
      else rows.push(result);
    }
  }
  return rows;
}
