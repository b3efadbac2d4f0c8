import { BroadcastDriver } from '../load/broadcast-driver.js';
import { openSseClients, SseClient } from '../load/sse-client.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  cpuSeconds,
  pick,
  round,
  sleep,
  withServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** One SSE fan-out measurement. */
export interface SseRow {
  readonly contender: ContenderId;
  readonly clients: number;
  readonly payloadBytes: number;
  readonly events: number;
  readonly lost: number;
  readonly eventsPerSec: number;
  readonly eventsPerServerCpuSec: number;
  readonly p99Ms: number;
}

const SSE_CONTENDERS: readonly ContenderId[] = ['forge', 'http-sse', 'nest-sse'];
const SSE_PAYLOAD = 60;

/** Scenario (d): SSE fan-out of one event stream to many clients. */
export async function runSseFanout(context: ScenarioContext): Promise<(SseRow | FailedRow)[]> {
  const rows: (SseRow | FailedRow)[] = [];
  const clients = context.sizes.sseClients;
  for (const contender of pick(context, SSE_CONTENDERS)) {
    const row = await withServer(context, contender, async (server): Promise<SseRow> => {
      let driver: BroadcastDriver | undefined;
      const streams = await openSseClients(
        clients,
        (i) => new SseClient(server.port, '/events', (n) => driver?.received(i, n)),
      );
      try {
        await sleep(100);
        driver = new BroadcastDriver(server, clients, context.sizes.broadcastWindow, SSE_PAYLOAD);
        await driver.run(Math.min(1000, context.sizes.windowSeconds * 250));
        driver = new BroadcastDriver(server, clients, context.sizes.broadcastWindow, SSE_PAYLOAD);
        const before = await server.usage();
        const outcome = await driver.run(context.sizes.windowSeconds * 1000);
        const after = await server.usage();
        const cpu = cpuSeconds(before, after);
        const result: SseRow = {
          contender,
          clients,
          payloadBytes: SSE_PAYLOAD,
          events: outcome.deliveries,
          lost: outcome.lost,
          eventsPerSec: Math.round(outcome.deliveries / outcome.elapsed),
          eventsPerServerCpuSec: Math.round(outcome.deliveries / Math.max(cpu, 1e-3)),
          p99Ms: round(outcome.latency.p99Ms, 3),
        };
        context.log(
          `  sse ${clients} ${CONTENDERS[contender].label}: ${result.eventsPerSec}/s, ${result.eventsPerServerCpuSec}/cpu-s`,
        );
        return result;
      } finally {
        driver = undefined;
        for (const stream of streams) stream.close();
      }
    });
    rows.push(row);
  }
  return rows;
}
