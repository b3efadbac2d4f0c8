import { EchoSession, type EchoWindow } from '../load/echo-session.js';
import type { ServerProcess } from '../load/server-process.js';
import type { CpuBreakdown } from '../report/cpu-breakdown.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  median,
  perWrite,
  pick,
  rotated,
  round,
  spreadOf,
  startServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** One echo measurement. */
export interface EchoRow {
  readonly contender: ContenderId;
  readonly clients: number;
  /** Messages each client keeps in flight (1 when absent: results before it was recorded). */
  readonly inFlight?: number;
  /** Round trips per server socket write (the echoes one write syscall carried), or null. */
  readonly messagesPerWrite?: number | null;
  /** Measured windows, interleaved with the other contenders' windows. */
  readonly rounds: number;
  readonly roundTrips: number;
  /** Median over the rounds. */
  readonly roundTripsPerSec: number;
  /** (Highest − lowest round) ÷ median: how much the machine moved during the run. */
  readonly roundTripSpread: number;
  /** Median over the rounds. */
  readonly roundTripsPerServerCpuSec: number;
  /**
   * Each round's round trips/s and round trips per server CPU-second, in round order. Round n of
   * every contender ran within the same minute, so ratios are taken round by round (paired).
   */
  readonly roundRates?: readonly number[];
  readonly roundRatesPerCpu?: readonly number[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  /**
   * Where the server's CPU went, from a profile of a further window of the same load (kept apart
   * so that profiling does not slow the measured one). Absent for native servers.
   */
  readonly cpu?: CpuBreakdown;
}

/** Servers written in JavaScript, whose CPU time a V8 profile can attribute. */
const PROFILED_CONTENDERS: readonly ContenderId[] = [
  'forge',
  'forge-sync',
  'forge-gateway',
  'socket.io-ack',
  'nest-chat',
  'forge-fastify',
  'ws-naive',
  'socket.io',
  'nest-gateway',
];

const ECHO_CONTENDERS: readonly ContenderId[] = [
  'forge',
  'forge-sync',
  'forge-fastify',
  'ws-naive',
  'socket.io',
  'nest-gateway',
  'uws',
];
function summarize(session: EchoSession, windows: readonly EchoWindow[], cpu?: CpuBreakdown) {
  const rates = windows.map((w) => w.roundTrips / w.seconds);
  const perCpu = windows.map((w) => w.roundTrips / Math.max(w.serverCpuSeconds, 1e-3));
  const rate = median(rates);
  const latency = session.latency();
  const writes = windows.every((w) => w.socketWrites !== undefined)
    ? windows.reduce((sum, w) => sum + (w.socketWrites ?? 0), 0)
    : undefined;
  const roundTrips = windows.reduce((sum, w) => sum + w.roundTrips, 0);
  const row: EchoRow = {
    contender: session.contender,
    clients: session.clients,
    inFlight: session.depth,
    messagesPerWrite: perWrite(roundTrips, writes),
    rounds: windows.length,
    roundTrips,
    roundTripsPerSec: Math.round(rate),
    roundTripSpread: spreadOf(rates),
    roundTripsPerServerCpuSec: Math.round(median(perCpu)),
    roundRates: rates.map(Math.round),
    roundRatesPerCpu: perCpu.map(Math.round),
    p50Ms: round(latency.p50Ms, 3),
    p99Ms: round(latency.p99Ms, 3),
    cpu,
  };
  return row;
}

function failure(contender: ContenderId, error: unknown): FailedRow {
  return { contender, error: error instanceof Error ? error.message : String(error) };
}

/** The echo cases of a run: each client count with one message in flight, and `deep` ones. */
function echoCases(
  clients: readonly number[],
  deep: boolean,
): { clients: number; inFlight: number }[] {
  const cases = clients.map((count) => ({ clients: count, inFlight: 1 }));
  if (deep && clients.includes(1)) cases.push({ clients: 1, inFlight: DEEP_IN_FLIGHT });
  return cases;
}

/** Messages in flight of the deeper 1-client echo (several messages per socket read). */
export const DEEP_IN_FLIGHT = 3;

/**
 * Scenario (a): closed-loop echo with 1 and 100 clients, one message in flight each, and 1
 * client with {@link DEEP_IN_FLIGHT} in flight (when `deep`). Every contender's server runs at once
 * (idle servers cost nothing) and their windows are interleaved round by round, so that a
 * change in the machine's load during the run hits every contender alike; rates are the median
 * of the rounds, latency percentiles cover every round. `wanted` names the contenders (the
 * gateway request/reply scenario runs the same loop with its own).
 */
export async function runEcho(
  context: ScenarioContext,
  wanted: readonly ContenderId[] = ECHO_CONTENDERS,
  deep = true,
): Promise<(EchoRow | FailedRow)[]> {
  const rows: (EchoRow | FailedRow)[] = [];
  const contenders = pick(context, wanted).filter(
    (id) => id !== 'forge-fastify' || context.sizes.fastify,
  );
  const { echoRounds, echoRoundSeconds, echoWarmSeconds, profileSeconds } = context.sizes;
  for (const { clients, inFlight } of echoCases(context.sizes.echoClients, deep)) {
    const sessions: EchoSession[] = [];
    const windows = new Map<EchoSession, EchoWindow[]>();
    try {
      for (const contender of contenders) {
        let server: ServerProcess | undefined;
        try {
          server = await startServer(context, contender);
          const session = new EchoSession(contender, server, clients, inFlight);
          sessions.push(session);
          await session.open();
          await session.load(context.sizes.warmupSeconds * 1000);
          windows.set(session, []);
        } catch (error) {
          if (server && !sessions.some((s) => s.server === server)) await server.stop();
          rows.push(failure(contender, error));
          context.log(
            `  echo ${clients} ${CONTENDERS[contender].label}: failed (${String(error)})`,
          );
        }
      }
      for (let round = 0; round < echoRounds; round++) {
        for (const [session, list] of rotated(windows, round)) {
          try {
            list.push(await session.window(echoRoundSeconds * 1000, echoWarmSeconds * 1000));
          } catch (error) {
            windows.delete(session);
            rows.push(failure(session.contender, error));
          }
        }
      }
      for (const [session, list] of windows) {
        const cpu =
          profileSeconds > 0 && PROFILED_CONTENDERS.includes(session.contender)
            ? await session.profile(profileSeconds * 1000).catch(() => undefined)
            : undefined;
        const row = summarize(session, list, cpu);
        context.log(
          `  echo ${clients}×${inFlight} ${CONTENDERS[session.contender].label}: ` +
            `${row.roundTripsPerSec}/s, ${row.roundTripsPerServerCpuSec}/cpu-s ` +
            `(spread ${row.roundTripSpread}), ${row.messagesPerWrite ?? '?'} msgs/write, ` +
            `p99 ${row.p99Ms} ms`,
        );
        rows.push(row);
      }
    } finally {
      for (const session of sessions) {
        await session.close().catch(() => undefined);
        await session.server.stop().catch(() => undefined);
      }
    }
  }
  return rows;
}
