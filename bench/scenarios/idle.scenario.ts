import { BENCH_TOKEN } from '../bench-config.js';
import { BenchSocket, closeSockets, openSockets } from '../load/bench-socket.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  pick,
  sleep,
  withServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** Server memory per idle connection. */
export interface IdleRow {
  readonly contender: ContenderId;
  readonly connections: number;
  readonly rssBytesPerConnection: number;
  readonly heapBytesPerConnection: number;
  readonly externalBytesPerConnection: number;
  /** Heap plus memory outside the heap (buffers), per connection: the stable measure. */
  readonly allocatedBytesPerConnection: number;
}

const IDLE_CONTENDERS: readonly ContenderId[] = [
  'forge',
  'ws-naive',
  'socket.io',
  'nest-gateway',
  'uws',
];

/** Scenario (c): memory of idle WebSocket connections (after a full GC, delta from empty). */
export async function runIdle(context: ScenarioContext): Promise<(IdleRow | FailedRow)[]> {
  const rows: (IdleRow | FailedRow)[] = [];
  const count = context.sizes.idleConnections;
  for (const contender of pick(context, IDLE_CONTENDERS)) {
    const row = await withServer(context, contender, async (server): Promise<IdleRow> => {
      const open = (n: number) =>
        openSockets(
          n,
          () =>
            new BenchSocket({
              port: server.port,
              dialect: CONTENDERS[contender].dialect,
              endpoint: 'fan',
              token: BENCH_TOKEN,
            }),
        );
      // Warm the code paths so the baseline includes them.
      await closeSockets(await open(Math.min(20, count)));
      await sleep(200);
      const before = await server.usage(true);
      const sockets = await open(count);
      await sleep(500);
      const after = await server.usage(true);
      await closeSockets(sockets);
      const per = (a: number, b: number) => Math.round((b - a) / count);
      const result: IdleRow = {
        contender,
        connections: count,
        rssBytesPerConnection: per(before.rss, after.rss),
        heapBytesPerConnection: per(before.heapUsed, after.heapUsed),
        externalBytesPerConnection: per(before.external, after.external),
        allocatedBytesPerConnection: per(
          before.heapUsed + before.external,
          after.heapUsed + after.external,
        ),
      };
      context.log(
        `  idle ${count} ${CONTENDERS[contender].label}: ${result.rssBytesPerConnection} B rss, ${result.heapBytesPerConnection} B heap per connection`,
      );
      return result;
    });
    rows.push(row);
  }
  return rows;
}
