import { BroadcastDriver, type BroadcastReceivers } from '../load/broadcast-driver.js';
import { HttpBroadcastTrigger } from '../load/http-broadcast-trigger.js';
import { LatencyHistogram } from '../load/histogram.js';
import { LocalReceivers } from '../load/local-receivers.js';
import type { ServerProcess } from '../load/server-process.js';
import { openSseClients, SseClient } from '../load/sse-client.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  cpuSeconds,
  median,
  openBroadcastReceivers,
  pick,
  rotated,
  round,
  startServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** Subscribers of a REST-triggered broadcast (fewer in the tiny mode). */
export const REST_BROADCAST_CLIENTS = 500;

/** HTTP requests `POST /broadcast` kept in flight. */
export const REST_BROADCAST_IN_FLIGHT = 4;

/** Bytes of each broadcast message. */
export const REST_BROADCAST_PAYLOAD = 60;

/** The subscribers' transport. */
export type RestBroadcastProtocol = 'websocket' | 'sse';

/** One contender's REST-triggered broadcast, interleaved rounds. */
export interface RestBroadcastRow {
  readonly contender: ContenderId;
  readonly protocol: RestBroadcastProtocol;
  readonly clients: number;
  readonly inFlight: number;
  readonly payloadBytes: number;
  readonly rounds: number;
  readonly broadcasts: number;
  readonly deliveries: number;
  readonly lost: number;
  /** HTTP requests that failed or were not answered 204. */
  readonly failedRequests: number;
  /** Medians over the rounds. */
  readonly deliveriesPerSec: number;
  readonly deliveriesPerServerCpuSec: number;
  /** Each round's rates, in round order (paired ratios). */
  readonly roundRates: readonly number[];
  readonly roundRatesPerCpu: readonly number[];
  /**
   * Deliveries per server socket write (`_write` + `_writev` calls, the HTTP answers
   * included): how many messages each write syscall carried.
   */
  readonly messagesPerWrite: number | null;
  readonly p99Ms: number;
}

/** Contenders per transport: the library first, then the raw baseline. */
export const REST_BROADCAST_CONTENDERS: Record<RestBroadcastProtocol, readonly ContenderId[]> = {
  websocket: ['forge-rest', 'ws-rest'],
  sse: ['forge-rest', 'http-sse-rest'],
};

interface Session {
  readonly contender: ContenderId;
  readonly server: ServerProcess;
  readonly receivers: BroadcastReceivers;
  readonly trigger: HttpBroadcastTrigger;
  readonly histogram: LatencyHistogram;
  readonly rounds: {
    broadcasts: number;
    deliveries: number;
    lost: number;
    seconds: number;
    cpu: number;
    writes: number | undefined;
  }[];
  close(): Promise<void>;
}

async function sseReceivers(
  server: ServerProcess,
  clients: number,
): Promise<{ receivers: BroadcastReceivers; close(): Promise<void> }> {
  const receivers = new LocalReceivers(clients);
  const streams = await openSseClients(
    clients,
    (i) => new SseClient(server.port, '/events', (n) => receivers.received(i, n)),
  );
  return {
    receivers,
    close: () => {
      for (const stream of streams) stream.close();
      return Promise.resolve();
    },
  };
}

async function openSession(
  context: ScenarioContext,
  contender: ContenderId,
  protocol: RestBroadcastProtocol,
  clients: number,
): Promise<Session> {
  const server = await startServer(context, contender);
  try {
    const opened =
      protocol === 'sse'
        ? await sseReceivers(server, clients)
        : await openBroadcastReceivers(server, contender, clients).then((pool) => ({
            receivers: pool,
            close: () => pool.close(),
          }));
    const trigger = new HttpBroadcastTrigger(server.port, protocol, REST_BROADCAST_IN_FLIGHT);
    return {
      contender,
      server,
      receivers: opened.receivers,
      trigger,
      histogram: new LatencyHistogram(),
      rounds: [],
      close: async () => {
        trigger.close();
        await opened.close();
        await server.stop().catch(() => undefined);
      },
    };
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
}

async function drive(session: Session, ms: number, record: boolean): Promise<void> {
  const driver = new BroadcastDriver(
    session.trigger,
    session.receivers,
    REST_BROADCAST_IN_FLIGHT,
    REST_BROADCAST_PAYLOAD,
  );
  const before = await session.server.usage();
  const outcome = await driver.run(ms);
  const after = await session.server.usage();
  if (!record) return;
  session.histogram.add(outcome.histogram);
  const writes =
    before.socketWrites === undefined || after.socketWrites === undefined
      ? undefined
      : after.socketWrites - before.socketWrites;
  session.rounds.push({
    broadcasts: outcome.broadcasts,
    deliveries: outcome.deliveries,
    lost: outcome.lost,
    seconds: outcome.elapsed,
    cpu: cpuSeconds(before, after),
    writes,
  });
}

function rowOf(
  session: Session,
  protocol: RestBroadcastProtocol,
  clients: number,
): RestBroadcastRow {
  const rounds = session.rounds;
  const sum = (pick: (r: Session['rounds'][number]) => number) =>
    rounds.reduce((total, r) => total + pick(r), 0);
  const rates = rounds.map((r) => Math.round(r.deliveries / r.seconds));
  const perCpu = rounds.map((r) => Math.round(r.deliveries / Math.max(r.cpu, 1e-3)));
  const writes = rounds.every((r) => r.writes !== undefined) ? sum((r) => r.writes ?? 0) : 0;
  return {
    contender: session.contender,
    protocol,
    clients,
    inFlight: REST_BROADCAST_IN_FLIGHT,
    payloadBytes: REST_BROADCAST_PAYLOAD,
    rounds: rounds.length,
    broadcasts: sum((r) => r.broadcasts),
    deliveries: sum((r) => r.deliveries),
    lost: sum((r) => r.lost),
    failedRequests: session.trigger.failures,
    deliveriesPerSec: median(rates),
    deliveriesPerServerCpuSec: median(perCpu),
    roundRates: rates,
    roundRatesPerCpu: perCpu,
    messagesPerWrite: writes > 0 ? round(sum((r) => r.deliveries) / writes, 2) : null,
    p99Ms: round(session.histogram.summary().p99Ms, 3),
  };
}

async function runProtocol(
  context: ScenarioContext,
  protocol: RestBroadcastProtocol,
): Promise<(RestBroadcastRow | FailedRow)[]> {
  const { echoRounds, windowSeconds, warmupSeconds, sseClients } = context.sizes;
  const clients = Math.min(REST_BROADCAST_CLIENTS, sseClients);
  const sessions: Session[] = [];
  const rows: (RestBroadcastRow | FailedRow)[] = [];
  try {
    for (const contender of pick(context, REST_BROADCAST_CONTENDERS[protocol])) {
      try {
        sessions.push(await openSession(context, contender, protocol, clients));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.log(`  ${CONTENDERS[contender].label}: failed (${message})`);
        rows.push({ contender, error: message });
      }
    }
    for (const session of sessions) await drive(session, warmupSeconds * 1000, false);
    for (let r = 0; r < echoRounds; r += 1) {
      for (const session of rotated(sessions, r)) {
        await drive(session, windowSeconds * 1000, true);
      }
    }
    for (const session of sessions) {
      const row = rowOf(session, protocol, clients);
      context.log(
        `  REST ${protocol} broadcast ${clients}×${REST_BROADCAST_PAYLOAD} B, ` +
          `${REST_BROADCAST_IN_FLIGHT} requests in flight, ${CONTENDERS[row.contender].label}: ` +
          `${row.deliveriesPerSec}/s, ${row.deliveriesPerServerCpuSec}/cpu-s, ` +
          `${row.messagesPerWrite ?? '?'} msgs/write, p99 ${row.p99Ms} ms, lost ${row.lost}, ` +
          `failed requests ${row.failedRequests}`,
      );
      rows.push(row);
    }
  } finally {
    for (const session of sessions) await session.close();
  }
  return rows;
}

/**
 * Scenario: broadcasts triggered by `POST /broadcast` (a Nest controller calling
 * `manager.broadcast` against a raw `node:http` handler writing one prebuilt frame or event per
 * subscriber), {@link REST_BROADCAST_IN_FLIGHT} requests in flight, to WebSocket subscribers and
 * then to SSE subscribers; rounds of the two contenders alternate.
 */
export async function runRestBroadcast(
  context: ScenarioContext,
): Promise<Record<RestBroadcastProtocol, (RestBroadcastRow | FailedRow)[]>> {
  return {
    websocket: await runProtocol(context, 'websocket'),
    sse: await runProtocol(context, 'sse'),
  };
}
