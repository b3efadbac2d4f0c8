import { BroadcastDriver } from '../load/broadcast-driver.js';
import { LatencyHistogram } from '../load/histogram.js';
import { LocalReceivers } from '../load/local-receivers.js';
import type { ServerProcess } from '../load/server-process.js';
import { openSseClients, SseClient } from '../load/sse-client.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  cpuSeconds,
  perWrite,
  writesBetween,
  median,
  pick,
  rotated,
  round,
  sleep,
  spreadOf,
  startServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** One SSE fan-out measurement. */
export interface SseRow {
  readonly contender: ContenderId;
  readonly clients: number;
  readonly payloadBytes: number;
  /** Measured windows, interleaved with the other contenders' windows. */
  readonly rounds: number;
  readonly events: number;
  readonly lost: number;
  /** Median over the rounds. */
  readonly eventsPerSec: number;
  /** (Highest − lowest round) ÷ median. */
  readonly eventsSpread: number;
  /** Median over the rounds. */
  readonly eventsPerServerCpuSec: number;
  /** Each round's events/s and events per server CPU-second, in round order (paired ratios). */
  readonly roundRates?: readonly number[];
  readonly roundRatesPerCpu?: readonly number[];
  readonly p99Ms: number;
  /** Events per server socket write, or null when the server does not count writes. */
  readonly messagesPerWrite?: number | null;
}

const SSE_CONTENDERS: readonly ContenderId[] = ['forge', 'http-sse', 'nest-sse'];
const SSE_PAYLOAD = 60;

/** One contender's server, its subscribed clients and what its rounds measured. */
interface SseSession {
  readonly contender: ContenderId;
  readonly server: ServerProcess;
  streams: SseClient[];
  readonly receivers: LocalReceivers;
  readonly histogram: LatencyHistogram;
  readonly rounds: {
    events: number;
    lost: number;
    seconds: number;
    cpu: number;
    writes: number | undefined;
  }[];
}

async function openSession(context: ScenarioContext, contender: ContenderId): Promise<SseSession> {
  const server = await startServer(context, contender);
  const session: SseSession = {
    contender,
    server,
    streams: [],
    receivers: new LocalReceivers(context.sizes.sseClients),
    histogram: new LatencyHistogram(),
    rounds: [],
  };
  try {
    session.streams = await openSseClients(
      context.sizes.sseClients,
      (i) => new SseClient(server.port, '/events', (n) => session.receivers.received(i, n)),
    );
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
  return session;
}

/** Broadcasts to one session's clients for `ms`; `record` keeps the outcome as a round. */
async function drive(
  context: ScenarioContext,
  session: SseSession,
  ms: number,
  record: boolean,
): Promise<void> {
  const driver = new BroadcastDriver(
    session.server,
    session.receivers,
    context.sizes.broadcastWindow,
    SSE_PAYLOAD,
  );
  const before = await session.server.usage();
  const outcome = await driver.run(ms);
  const after = await session.server.usage();
  if (!record) return;
  session.histogram.add(outcome.histogram);
  session.rounds.push({
    events: outcome.deliveries,
    lost: outcome.lost,
    seconds: outcome.elapsed,
    cpu: cpuSeconds(before, after),
    writes: writesBetween(before, after),
  });
}

function summarize(session: SseSession, clients: number): SseRow {
  const rates = session.rounds.map((r) => r.events / r.seconds);
  const perCpu = session.rounds.map((r) => r.events / Math.max(r.cpu, 1e-3));
  return {
    contender: session.contender,
    clients,
    payloadBytes: SSE_PAYLOAD,
    rounds: session.rounds.length,
    events: session.rounds.reduce((sum, r) => sum + r.events, 0),
    messagesPerWrite: session.rounds.every((r) => r.writes !== undefined)
      ? perWrite(
          session.rounds.reduce((sum, r) => sum + r.events, 0),
          session.rounds.reduce((sum, r) => sum + (r.writes ?? 0), 0),
        )
      : null,
    lost: session.rounds.reduce((sum, r) => sum + r.lost, 0),
    eventsPerSec: Math.round(median(rates)),
    eventsSpread: spreadOf(rates),
    eventsPerServerCpuSec: Math.round(median(perCpu)),
    roundRates: rates.map(Math.round),
    roundRatesPerCpu: perCpu.map(Math.round),
    p99Ms: round(session.histogram.summary().p99Ms, 3),
  };
}

/**
 * Scenario (d): SSE fan-out of one event stream to many clients. Every contender's server and
 * clients stay up for the whole scenario and their windows alternate round by round (as in
 * echo), so a change in the machine's load hits them alike; rates are medians of the rounds.
 */
export async function runSseFanout(context: ScenarioContext): Promise<(SseRow | FailedRow)[]> {
  const rows: (SseRow | FailedRow)[] = [];
  const { sseClients, windowSeconds, echoRounds } = context.sizes;
  const sessions: SseSession[] = [];
  try {
    for (const contender of pick(context, SSE_CONTENDERS)) {
      try {
        const session = await openSession(context, contender);
        sessions.push(session);
        await sleep(100);
        await drive(context, session, context.sizes.warmupSeconds * 1000, false);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.log(`  sse ${CONTENDERS[contender].label}: failed (${message})`);
        rows.push({ contender, error: message });
      }
    }
    const roundMs = (windowSeconds * 1000) / echoRounds;
    const measuring = new Set(sessions);
    for (let round = 0; round < echoRounds; round++) {
      for (const session of rotated(measuring, round)) {
        try {
          await drive(context, session, roundMs, true);
        } catch (error) {
          measuring.delete(session);
          rows.push({ contender: session.contender, error: String(error) });
        }
      }
    }
    for (const session of measuring) {
      const row = summarize(session, sseClients);
      context.log(
        `  sse ${sseClients} ${CONTENDERS[session.contender].label}: ${row.eventsPerSec}/s ` +
          `(spread ${row.eventsSpread}), ${row.eventsPerServerCpuSec}/cpu-s`,
      );
      rows.push(row);
    }
  } finally {
    for (const session of sessions) {
      for (const stream of session.streams) stream.close();
      await session.server.stop().catch(() => undefined);
    }
  }
  return rows;
}
