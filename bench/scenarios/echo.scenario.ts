import { performance } from 'node:perf_hooks';
import { BENCH_TOKEN } from '../bench-config.js';
import { LatencyHistogram } from '../load/histogram.js';
import type { CpuBreakdown } from '../report/cpu-breakdown.js';
import { BenchSocket, closeSockets, openSockets } from '../load/bench-socket.js';
import type { ServerProcess } from '../load/server-process.js';
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

/** One echo measurement. */
export interface EchoRow {
  readonly contender: ContenderId;
  readonly clients: number;
  readonly roundTrips: number;
  readonly roundTripsPerSec: number;
  readonly roundTripsPerServerCpuSec: number;
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
  'forge-fastify',
  'ws-naive',
  'socket.io',
  'nest-gateway',
];

const ECHO_CONTENDERS: readonly ContenderId[] = [
  'forge',
  'forge-fastify',
  'ws-naive',
  'socket.io',
  'nest-gateway',
  'uws',
];
const MESSAGE = 'echo:0123456789abcdef0123456789abcdef';

/** Closed-loop echo: every client sends, waits for the answer, sends again, for one window. */
async function measure(
  context: ScenarioContext,
  server: ServerProcess,
  contender: ContenderId,
  clients: number,
): Promise<EchoRow> {
  const { dialect } = CONTENDERS[contender];
  let recording = false;
  let running = true;
  let roundTrips = 0;
  const histogram = new LatencyHistogram();
  const sentAt = new Float64Array(clients);
  const sockets = await openSockets(clients, (i) => {
    const socket: BenchSocket = new BenchSocket({
      port: server.port,
      dialect,
      endpoint: 'echo',
      token: BENCH_TOKEN,
      onMessage: () => {
        const now = performance.now();
        if (recording) {
          roundTrips += 1;
          histogram.recordMs(now - sentAt[i]);
        }
        if (!running) return;
        sentAt[i] = performance.now();
        socket.sendEcho(MESSAGE);
      },
    });
    return socket;
  });
  const warmup = Math.min(1000, context.sizes.windowSeconds * 250);
  sockets.forEach((socket, i) => {
    sentAt[i] = performance.now();
    socket.sendEcho(MESSAGE);
  });
  await new Promise((resolve) => setTimeout(resolve, warmup));
  const before = await server.usage();
  const start = performance.now();
  recording = true;
  await new Promise((resolve) => setTimeout(resolve, context.sizes.windowSeconds * 1000));
  recording = false;
  const elapsed = (performance.now() - start) / 1000;
  const after = await server.usage();
  let cpuBreakdown: CpuBreakdown | undefined;
  if (context.sizes.profileSeconds > 0 && PROFILED_CONTENDERS.includes(contender)) {
    await server.startProfile();
    await sleep(context.sizes.profileSeconds * 1000);
    cpuBreakdown = await server.stopProfile();
  }
  running = false;
  await closeSockets(sockets);
  const latency = histogram.summary();
  const cpu = cpuSeconds(before, after);
  return {
    contender,
    clients,
    roundTrips,
    roundTripsPerSec: Math.round(roundTrips / elapsed),
    roundTripsPerServerCpuSec: Math.round(roundTrips / Math.max(cpu, 1e-3)),
    p50Ms: round(latency.p50Ms, 3),
    p99Ms: round(latency.p99Ms, 3),
    cpu: cpuBreakdown,
  };
}

function clientsOf(row: EchoRow | FailedRow): number {
  return 'clients' in row ? row.clients : Number.MAX_SAFE_INTEGER;
}

/** Scenario (a): echo round trips with 1 and 100 clients. */
export async function runEcho(context: ScenarioContext): Promise<(EchoRow | FailedRow)[]> {
  const rows: (EchoRow | FailedRow)[] = [];
  const contenders = pick(context, ECHO_CONTENDERS).filter(
    (id) => id !== 'forge-fastify' || context.sizes.fastify,
  );
  for (const contender of contenders) {
    const result = await withServer(context, contender, async (server) => {
      const measured: EchoRow[] = [];
      for (const clients of context.sizes.echoClients) {
        const row = await measure(context, server, contender, clients);
        context.log(
          `  echo ${clients} ${CONTENDERS[contender].label}: ${row.roundTripsPerSec}/s p99 ${row.p99Ms} ms`,
        );
        measured.push(row);
      }
      return measured;
    });
    if (Array.isArray(result)) rows.push(...result);
    else rows.push(result);
  }
  return rows.sort((a, b) => clientsOf(a) - clientsOf(b));
}
