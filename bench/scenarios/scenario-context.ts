import { availableParallelism } from 'node:os';
import { BENCH_TOKEN, type BenchSizes } from '../bench-config.js';
import { ReceiverPool } from '../load/receiver-pool.js';
import { ServerProcess } from '../load/server-process.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';

/** What every scenario gets from the runner. */
export interface ScenarioContext {
  readonly sizes: BenchSizes;
  /** Contenders to run (others are skipped). */
  readonly contenders: readonly ContenderId[];
  /** Profile these contenders' servers with `--cpu-prof` into this directory. */
  readonly profile?: { readonly contenders: readonly ContenderId[]; readonly dir: string };
  /** Progress lines. */
  log(line: string): void;
}

/** A row that could not be measured. */
export interface FailedRow {
  readonly contender: ContenderId;
  readonly error: string;
}

/** Server CPU seconds between two usage reports. */
export function cpuSeconds(before: { cpuMicros: number }, after: { cpuMicros: number }): number {
  return (after.cpuMicros - before.cpuMicros) / 1e6;
}

/** The median (robust to a neighbour's burst during one round of an interleaved scenario). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** (Highest − lowest) ÷ median: how much the machine moved between the rounds of a run. */
export function spreadOf(values: readonly number[]): number {
  return round((Math.max(...values) - Math.min(...values)) / Math.max(median(values), 1), 2);
}

/**
 * The items in the order of round `round`: rotated by one each round, so that no contender is
 * always the first (or the last) to run within a round.
 */
export function rotated<T>(items: Iterable<T>, round: number): T[] {
  const list = [...items];
  if (list.length === 0) return list;
  const start = round % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}

/** Rounds to `digits` significant decimals for the JSON. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The contenders of `wanted` that this run includes, in the run's order. */
export function pick(context: ScenarioContext, wanted: readonly ContenderId[]): ContenderId[] {
  return wanted.filter((id) => context.contenders.includes(id));
}

/** Starts a server process for `contender` (under `--cpu-prof` when the run profiles it). */
export function startServer(
  context: ScenarioContext,
  contender: ContenderId,
): Promise<ServerProcess> {
  const profiled = context.profile?.contenders.includes(contender);
  return ServerProcess.start(contender, {
    cpuProfileDir: profiled ? context.profile?.dir : undefined,
  });
}

/**
 * Runs `body` against a fresh server process of `contender`, always stopping the server.
 * Errors become a {@link FailedRow} so one contender's failure does not stop the run.
 */
export async function withServer<T>(
  context: ScenarioContext,
  contender: ContenderId,
  body: (server: ServerProcess) => Promise<T>,
): Promise<T | FailedRow> {
  let server: ServerProcess | undefined;
  try {
    server = await startServer(context, contender);
    return await body(server);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.log(`  ${CONTENDERS[contender].label}: failed (${message})`);
    return { contender, error: message };
  } finally {
    await server?.stop().catch(() => undefined);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Receiver threads of the load generator: reading thousands of sockets costs more than the
 * fastest servers spend writing to them, so one thread would set the pace; the server and the
 * threads share the machine's cores.
 */
const RECEIVER_THREADS = Math.min(4, Math.max(2, availableParallelism()));

/** Opens `clients` subscribers of a contender's broadcast endpoint, read by worker threads. */
export function openBroadcastReceivers(
  server: ServerProcess,
  contender: ContenderId,
  clients: number,
): Promise<ReceiverPool> {
  return ReceiverPool.open({
    port: server.port,
    dialect: CONTENDERS[contender].dialect,
    endpoint: 'fan',
    token: BENCH_TOKEN,
    clients,
    threads: RECEIVER_THREADS,
  });
}

/** Socket writes between two usage reports, or undefined when the server does not count them. */
export function writesBetween(
  before: { socketWrites?: number },
  after: { socketWrites?: number },
): number | undefined {
  return before.socketWrites === undefined || after.socketWrites === undefined
    ? undefined
    : after.socketWrites - before.socketWrites;
}

/** Messages per socket write (two decimals), or null when no writes were counted. */
export function perWrite(messages: number, writes: number | undefined): number | null {
  return writes === undefined || writes <= 0 ? null : Math.round((messages / writes) * 100) / 100;
}
