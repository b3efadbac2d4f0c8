import { performance } from 'node:perf_hooks';
import { BENCH_TOKEN } from '../bench-config.js';
import { LatencyHistogram } from '../load/histogram.js';
import { BenchSocket } from '../load/bench-socket.js';
import { CONTENDERS, type ContenderId } from '../server/contenders.js';
import {
  cpuSeconds,
  pick,
  round,
  withServer,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** One connection set-up measurement. */
export interface HandshakeRow {
  readonly contender: ContenderId;
  readonly concurrency: number;
  readonly connections: number;
  readonly failures: number;
  readonly connectionsPerSec: number;
  readonly connectionsPerServerCpuSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Whether a client without the token was refused (the guard really ran). */
  readonly refusedWithoutToken: boolean;
}

const HANDSHAKE_CONTENDERS: readonly ContenderId[] = [
  'forge',
  'forge-fastify',
  'ws-naive',
  'socket.io',
  'nest-gateway',
  'uws',
];

/** True when a client without the token does not get a usable connection. */
async function refusesWithoutToken(port: number, contender: ContenderId): Promise<boolean> {
  const socket = new BenchSocket({
    port,
    dialect: CONTENDERS[contender].dialect,
    endpoint: 'guarded',
  });
  try {
    await socket.ready;
    // The NestJS gateway can only close after the upgrade (its guards run per message).
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1000);
      socket.ws.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    return closed;
  } catch {
    return true;
  } finally {
    socket.terminate();
  }
}

/** Scenario (e): connection set-up rate and handshake time on a guarded route. */
export async function runHandshake(
  context: ScenarioContext,
): Promise<(HandshakeRow | FailedRow)[]> {
  const rows: (HandshakeRow | FailedRow)[] = [];
  const concurrency = context.sizes.handshakeConcurrency;
  const contenders = pick(context, HANDSHAKE_CONTENDERS).filter(
    (id) => id !== 'forge-fastify' || context.sizes.fastify,
  );
  for (const contender of contenders) {
    const row = await withServer(context, contender, async (server): Promise<HandshakeRow> => {
      const refused = await refusesWithoutToken(server.port, contender);
      const histogram = new LatencyHistogram();
      let connections = 0;
      let failures = 0;
      let recording = false;
      let deadline = performance.now() + context.sizes.warmupSeconds * 1000;
      const loop = async () => {
        while (performance.now() < deadline) {
          const start = performance.now();
          const socket = new BenchSocket({
            port: server.port,
            dialect: CONTENDERS[contender].dialect,
            endpoint: 'guarded',
            token: BENCH_TOKEN,
          });
          try {
            await socket.ready;
            if (recording) {
              histogram.recordMs(performance.now() - start);
              connections += 1;
            }
          } catch {
            if (recording) failures += 1;
          }
          await new Promise<void>((resolve) => {
            socket.ws.once('close', () => resolve());
            socket.ws.close();
            setTimeout(() => {
              socket.terminate();
              resolve();
            }, 2000).unref();
          });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, loop));
      const before = await server.usage();
      recording = true;
      const start = performance.now();
      deadline = start + context.sizes.windowSeconds * 1000;
      await Promise.all(Array.from({ length: concurrency }, loop));
      const elapsed = (performance.now() - start) / 1000;
      const after = await server.usage();
      const latency = histogram.summary();
      const result: HandshakeRow = {
        contender,
        concurrency,
        connections,
        failures,
        connectionsPerSec: Math.round(connections / elapsed),
        connectionsPerServerCpuSec: Math.round(
          connections / Math.max(cpuSeconds(before, after), 1e-3),
        ),
        p50Ms: round(latency.p50Ms, 3),
        p99Ms: round(latency.p99Ms, 3),
        refusedWithoutToken: refused,
      };
      context.log(
        `  handshake ${CONTENDERS[contender].label}: ${result.connectionsPerSec}/s p99 ${result.p99Ms} ms, refused without token: ${refused}`,
      );
      return result;
    });
    rows.push(row);
  }
  return rows;
}
