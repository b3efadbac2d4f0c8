import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStormClient, STORM_BACKOFF, type StormClient } from './reconnect-storm-clients.js';
import type { StormCommand, StormContender, StormReply } from './reconnect-storm-protocol.js';
import {
  median,
  rotated,
  round,
  sleep,
  spreadOf,
  type FailedRow,
  type ScenarioContext,
} from './scenario-context.js';

/** One storm: every client dropped at once by the server, all reconnecting and recovering. */
export interface ReconnectStormRow {
  readonly contender: StormContender;
  readonly clients: number;
  /** Events published right after the drop, which every client must get after reconnecting. */
  readonly missedEvents: number;
  /** Clients back with every missed event within the time limit. */
  readonly caughtUp: number;
  /** Clients whose library reported the state as recovered. */
  readonly recovered: number;
  /** Missed events delivered twice to a client (should be 0). */
  readonly duplicates: number;
  /** From the drop until the last client was back with every missed event, in seconds. */
  readonly allBackSeconds: number;
  /** Median client's time from the drop until caught up, in seconds. */
  readonly medianBackSeconds: number;
  /** Server CPU seconds from the drop until every client was back (or the limit). */
  readonly serverCpuSeconds: number;
  /** Most connections the server accepted in any 100 ms after the drop, per second. */
  readonly peakHandshakesPerSec: number;
  /** Connections the server accepted after the drop. */
  readonly handshakes: number;
  /** Storms measured (the row holds each figure's median over them). */
  readonly rounds: number;
  /** (Slowest − fastest) ÷ median of `allBackSeconds` over the rounds. */
  readonly allBackSpread: number;
}

/** One storm's figures. */
type StormRound = Omit<ReconnectStormRow, 'rounds' | 'allBackSpread'>;

const SERVER_MAIN = join(import.meta.dirname, 'reconnect-storm.server.js');
const MISSED_EVENTS = 3;
const CONNECT_BATCH = 100;

/** Labels of the storm's contenders. */
export const STORM_LABELS: Record<StormContender, string> = {
  forge: 'nestjs-forge-streaming client + gateway, in-memory room history',
  'socket.io': 'Socket.IO 4 connectionStateRecovery (websocket only)',
};

/** A command without its id (the process numbers them). */
type Unidentified<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The storm server child process, driven by request/reply over IPC. */
class StormServerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: StormReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (reply: StormReply) => {
      if (!('id' in reply)) return;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  static start(contender: StormContender): Promise<StormServerProcess> {
    const child = fork(SERVER_MAIN, [contender], {
      execArgv: ['--max-old-space-size=2048'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${contender} storm server did not start within 30 s`));
      }, 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${contender} storm server exited (${code}) before listening`));
      });
      child.once('message', (reply: StormReply) => {
        clearTimeout(timer);
        if (reply.type === 'ready') resolve(new StormServerProcess(child, reply.port));
        else reject(new Error(`unexpected first reply ${reply.type}`));
      });
    });
  }

  request<T extends StormReply['type']>(
    command: Unidentified<StormCommand>,
    type: T,
  ): Promise<Extract<StormReply, { type: T }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`the storm server did not answer ${command.cmd} within 30 s`));
      }, 30_000);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.type === type) resolve(reply as Extract<StormReply, { type: T }>);
        else reject(new Error(`expected ${type}, got ${reply.type}`));
      });
      this.child.send({ ...command, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ cmd: 'stop', id: 0 });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

async function until(
  condition: () => boolean | Promise<boolean>,
  limitMs: number,
): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (await condition()) return true;
    await sleep(20);
  }
  return condition();
}

/** Most values of the sorted `times` (ms) within any window of `windowMs`. */
function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function storm(
  context: ScenarioContext,
  contender: StormContender,
  clientCount: number,
  limitSeconds: number,
): Promise<StormRound | FailedRow> {
  let server: StormServerProcess | undefined;
  const clients: StormClient[] = [];
  try {
    server = await StormServerProcess.start(contender);
    const live = server;
    for (let i = 0; i < clientCount; i += CONNECT_BATCH) {
      const batch = Math.min(CONNECT_BATCH, clientCount - i);
      const opened = Array.from({ length: batch }, () => openStormClient(contender, live.port));
      clients.push(...opened);
      if (!(await until(() => opened.every((c) => c.connected), 20_000))) {
        throw new Error(`clients ${i}..${i + batch} did not connect`);
      }
    }
    const joined = await until(
      async () => (await live.request({ cmd: 'members' }, 'members')).count === clientCount,
      20_000,
    );
    if (!joined) throw new Error('not every client joined the room');
    // One event before the drop: each client then holds a position to recover from.
    await live.request({ cmd: 'publish', text: 'before' }, 'done');
    await sleep(300);
    for (const client of clients) client.arm(MISSED_EVENTS);
    const before = await live.request({ cmd: 'usage' }, 'usage');
    const start = performance.now();
    await live.request({ cmd: 'drop', missed: MISSED_EVENTS }, 'dropped');
    await until(() => clients.every((c) => c.caughtUpAt !== undefined), limitSeconds * 1000);
    const after = await live.request({ cmd: 'usage' }, 'usage');
    const { sinceDropMs } = await live.request({ cmd: 'handshakes' }, 'handshakes');
    const back = clients
      .map((c) => c.caughtUpAt)
      .filter((t): t is number => t !== undefined)
      .map((t) => (t - start) / 1000)
      .sort((a, b) => a - b);
    const row: StormRound = {
      contender,
      clients: clientCount,
      missedEvents: MISSED_EVENTS,
      caughtUp: back.length,
      recovered: clients.filter((c) => c.recovered === true).length,
      duplicates: clients.reduce((sum, c) => sum + c.duplicates, 0),
      allBackSeconds: round(back.length === clientCount ? back[back.length - 1] : limitSeconds, 2),
      medianBackSeconds: round(back.length > 0 ? back[Math.floor(back.length / 2)] : 0, 2),
      serverCpuSeconds: round((after.cpuMicros - before.cpuMicros) / 1e6, 3),
      peakHandshakesPerSec: peakInWindow(sinceDropMs, 100) * 10,
      handshakes: sinceDropMs.length,
    };
    context.log(
      `  storm ${STORM_LABELS[contender]}: ${row.caughtUp}/${clientCount} back in ` +
        `${row.allBackSeconds} s (median ${row.medianBackSeconds} s), recovered ${row.recovered}, ` +
        `server CPU ${row.serverCpuSeconds} s, peak ${row.peakHandshakesPerSec} handshakes/s`,
    );
    return row;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.log(`  storm ${STORM_LABELS[contender]}: failed (${message})`);
    return { contender, error: message };
  } finally {
    for (const client of clients) client.close();
    await server?.stop().catch(() => undefined);
  }
}

/** The median of each figure over the rounds of one contender. */
function summarize(contender: StormContender, rounds: readonly StormRound[]): ReconnectStormRow {
  const mid = (pick: (r: StormRound) => number): number => median(rounds.map(pick));
  return {
    contender,
    clients: rounds[0].clients,
    missedEvents: rounds[0].missedEvents,
    caughtUp: Math.min(...rounds.map((r) => r.caughtUp)),
    recovered: Math.min(...rounds.map((r) => r.recovered)),
    duplicates: Math.max(...rounds.map((r) => r.duplicates)),
    allBackSeconds: round(
      mid((r) => r.allBackSeconds),
      2,
    ),
    medianBackSeconds: round(
      mid((r) => r.medianBackSeconds),
      2,
    ),
    serverCpuSeconds: round(
      mid((r) => r.serverCpuSeconds),
      3,
    ),
    peakHandshakesPerSec: Math.round(mid((r) => r.peakHandshakesPerSec)),
    handshakes: Math.round(mid((r) => r.handshakes)),
    rounds: rounds.length,
    allBackSpread: spreadOf(rounds.map((r) => r.allBackSeconds)),
  };
}

/**
 * Reconnect storm: `sizes.stormClients` clients on a room with history are dropped at once by
 * the server; each reconnects with its library's backoff (the same bounds for both: first 1 s,
 * cap 5 s) and must get the events published right after the drop. Compared with Socket.IO's
 * connection-state recovery in the same run: `sizes.stormRounds` storms each, interleaved, each
 * bounded by `sizes.stormLimitSeconds`; a row holds the medians (caught-up and recovered counts:
 * the worst round).
 */
export async function runReconnectStorm(
  context: ScenarioContext,
): Promise<(ReconnectStormRow | FailedRow)[]> {
  const { stormClients, stormLimitSeconds, stormRounds } = context.sizes;
  context.log(
    `  ${stormClients} clients, ${stormRounds} rounds, backoff first bound ` +
      `${STORM_BACKOFF.initialDelayMs} ms, cap ${STORM_BACKOFF.maxDelayMs} ms`,
  );
  const contenders = (['forge', 'socket.io'] as const).filter((id) =>
    context.contenders.includes(id),
  );
  const measured = new Map<StormContender, StormRound[]>(contenders.map((id) => [id, []]));
  const failed = new Map<StormContender, FailedRow>();
  for (let r = 0; r < stormRounds; r += 1) {
    for (const contender of rotated(contenders, r)) {
      if (failed.has(contender)) continue;
      const result = await storm(context, contender, stormClients, stormLimitSeconds);
      if ('error' in result) failed.set(contender, result);
      else measured.get(contender)?.push(result);
    }
  }
  return contenders.map((id) => failed.get(id) ?? summarize(id, measured.get(id) ?? []));
}
