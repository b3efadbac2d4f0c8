import { performance } from 'node:perf_hooks';
import { BENCH_TOKEN } from '../bench-config.js';
import { BenchSocket, closeSockets, openSockets } from '../load/bench-socket.js';
import { LatencyHistogram } from '../load/histogram.js';
import type { ServerProcess } from '../load/server-process.js';
import {
  connectWebTransport,
  type WebTransportClientSession,
} from '../../src/client/web-transport-client.js';
import { round, withServer, type FailedRow, type ScenarioContext } from './scenario-context.js';

/** One WebTransport-versus-WebSocket echo measurement (same server process). */
export interface WebTransportRow {
  readonly clients: number;
  readonly webTransportRoundTripsPerSec: number;
  readonly webTransportP99Ms: number;
  readonly webSocketRoundTripsPerSec: number;
  readonly webSocketP99Ms: number;
  /** WebTransport round trips/s ÷ WebSocket round trips/s. */
  readonly throughputRatio: number;
  /** WebTransport p99 ÷ WebSocket p99. */
  readonly p99Ratio: number;
}

/** Scenario (g) outcome. */
export interface WebTransportResult {
  readonly status: 'measured' | 'failed';
  readonly transport: 'http2';
  readonly rows: WebTransportRow[];
  readonly reason?: string;
}

const MESSAGE = 'echo:0123456789abcdef0123456789abcdef';

interface LoopOutcome {
  readonly perSec: number;
  readonly p99Ms: number;
}

/** Runs closed loops (send, await answer) for a warm-up and then a measured window. */
async function closedLoops(
  count: number,
  windowMs: number,
  roundTrip: (index: number) => Promise<void>,
): Promise<LoopOutcome> {
  const histogram = new LatencyHistogram();
  let recording = false;
  let done = 0;
  let deadline = performance.now() + Math.min(1000, windowMs / 4);
  const loop = async (index: number) => {
    while (performance.now() < deadline) {
      const start = performance.now();
      await roundTrip(index);
      if (recording) {
        histogram.recordMs(performance.now() - start);
        done += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: count }, (_, i) => loop(i)));
  recording = true;
  const start = performance.now();
  deadline = start + windowMs;
  await Promise.all(Array.from({ length: count }, (_, i) => loop(i)));
  const elapsed = (performance.now() - start) / 1000;
  return { perSec: Math.round(done / elapsed), p99Ms: round(histogram.summary().p99Ms, 3) };
}

async function webSocketEcho(server: ServerProcess, clients: number, windowMs: number) {
  const waiting: (() => void)[] = new Array<() => void>(clients);
  const sockets = await openSockets(
    clients,
    (i) =>
      new BenchSocket({
        port: server.port,
        dialect: 'plain',
        endpoint: 'echo',
        token: BENCH_TOKEN,
        onMessage: () => waiting[i]?.(),
      }),
  );
  try {
    return await closedLoops(
      clients,
      windowMs,
      (i) =>
        new Promise<void>((resolve) => {
          waiting[i] = resolve;
          sockets[i].sendEcho(MESSAGE);
        }),
    );
  } finally {
    await closeSockets(sockets);
  }
}

async function webTransportEcho(server: ServerProcess, clients: number, windowMs: number) {
  const target = server.webTransport;
  if (!target) throw new Error('the server has no WebTransport endpoint');
  const sessions: WebTransportClientSession[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      sessions.push(
        await connectWebTransport(target.url, {
          serverCertificateHashes: [{ algorithm: 'sha-256', value: target.certificateHash }],
        }),
      );
    }
    return await closedLoops(clients, windowMs, async (i) => {
      await sessions[i].sendMessage(MESSAGE);
      await sessions[i].receiveMessage();
    });
  } finally {
    for (const session of sessions) session.close();
  }
}

/** Scenario (g): WebTransport (HTTP/2) echo relative to WebSocket echo on the same server. */
export async function runWebTransport(context: ScenarioContext): Promise<WebTransportResult> {
  const rows: WebTransportRow[] = [];
  const windowMs = context.sizes.windowSeconds * 1000;
  for (const clients of context.sizes.webTransportClients) {
    const row = await withServer(
      context,
      'forge-webtransport',
      async (server): Promise<WebTransportRow> => {
        const wt = await webTransportEcho(server, clients, windowMs);
        const ws = await webSocketEcho(server, clients, windowMs);
        const result: WebTransportRow = {
          clients,
          webTransportRoundTripsPerSec: wt.perSec,
          webTransportP99Ms: wt.p99Ms,
          webSocketRoundTripsPerSec: ws.perSec,
          webSocketP99Ms: ws.p99Ms,
          throughputRatio: round(wt.perSec / Math.max(ws.perSec, 1)),
          p99Ratio: round(wt.p99Ms / Math.max(ws.p99Ms, 1e-3)),
        };
        context.log(
          `  webtransport echo ${clients}: ${wt.perSec}/s p99 ${wt.p99Ms} ms vs WebSocket ${ws.perSec}/s p99 ${ws.p99Ms} ms`,
        );
        return result;
      },
    );
    if ('error' in row) {
      return { status: 'failed', transport: 'http2', rows, reason: (row as FailedRow).error };
    }
    rows.push(row);
  }
  return { status: 'measured', transport: 'http2', rows };
}
