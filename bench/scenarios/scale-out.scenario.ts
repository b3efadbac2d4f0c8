import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { placeInRooms, ScaleOutClient } from './scale-out-clients.js';
import { ScaleOutProcess } from './scale-out-process.js';
import type { ScaleOutBackend, ScaleOutReply } from './scale-out-protocol.js';
import { rotated, round, sleep, type ScenarioContext } from './scenario-context.js';

/** One instance's share of a scale-out run. */
export interface ScaleOutInstanceRow {
  readonly instance: number;
  /** Clients connected to it. */
  readonly clients: number;
  /** Broadcasts it published (the driver's triggers sent to it). */
  readonly published: number;
  /** Messages its clients received. */
  readonly delivered: number;
  readonly cpuSeconds: number;
  /** Broadcasts of other instances it decoded from room channels. */
  readonly decodedRoom: number;
  /** Broadcasts of other instances it decoded from the global channel. */
  readonly decodedGlobal: number;
  /** Room channels it was subscribed to at the end. */
  readonly subscribedRooms: number;
}

/** One measured run: one backend, one instance count. */
export interface ScaleOutRow {
  readonly backend: ScaleOutBackend;
  readonly instances: number;
  readonly clients: number;
  readonly rooms: number;
  /** Rooms whose members sit on more than one instance. */
  readonly spanningRooms: number;
  /** From the first trigger until every broadcast was delivered (or the drain limit). */
  readonly seconds: number;
  /** Room-scoped broadcasts triggered. */
  readonly broadcasts: number;
  /** Messages the clients received. */
  readonly delivered: number;
  /** Messages expected but not received by the end of the drain. */
  readonly missing: number;
  readonly deliveredPerSec: number;
  /** CPU seconds summed over the instances (the primary, which only hands out connections, is not counted). */
  readonly cpuSeconds: number;
  /** Delivered messages per server CPU-second (sum over instances). */
  readonly deliveredPerCpuSecond: number;
  readonly perInstance: readonly ScaleOutInstanceRow[];
  /**
   * The machine's one-minute load average at the end of the window: anything above the core
   * count means other processes competed with the run.
   */
  readonly loadAverage: number;
  /** Runs measured (interleaved over the instance counts); the row is the median one. */
  readonly rounds: number;
  /** Delivered per second of each run. */
  readonly roundRates: readonly number[];
}

/** A backend (or a run) that was not measured, and why. */
export interface ScaleOutSkipped {
  readonly backend: ScaleOutBackend;
  readonly instances?: number;
  readonly skipped: string;
}

/** Where the scenario runs: the backends' addresses, from the environment or `.test-env.json`. */
function backendEnv(): Record<string, string> {
  const file = resolve('.test-env.json');
  const fromFile = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  const env: Record<string, string> = {};
  for (const key of ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'NATS_URL']) {
    const value = process.env[key] ?? fromFile[key];
    if (typeof value === 'string' && value.trim() !== '') env[key] = value;
  }
  return env;
}

const NEEDS: Record<ScaleOutBackend, string> = {
  redis: 'REDIS_URL',
  'redis-cluster': 'REDIS_CLUSTER_NODES',
  nats: 'NATS_URL',
};

/** Rounds of broadcasts (one per room each) kept in flight. */
const DEPTH = 4;
const DRAIN_LIMIT_MS = 5_000;
const CONNECT_BATCH = 50;

/** Counts deliveries and lets the driver wait for a total. */
class DeliveryGate {
  total = 0;
  private waiter: { target: number; resolve: () => void } | undefined;

  delivered(): void {
    this.total += 1;
    if (this.waiter && this.total >= this.waiter.target) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve();
    }
  }

  /** Resolves once `target` deliveries were counted or after `limitMs` (true when reached). */
  async reach(target: number, limitMs: number): Promise<boolean> {
    if (this.total >= target) return true;
    let timer: NodeJS.Timeout | undefined;
    const reached = await Promise.race([
      new Promise<boolean>((done) => (this.waiter = { target, resolve: () => done(true) })),
      new Promise<boolean>((done) => (timer = setTimeout(() => done(false), limitMs))),
    ]);
    clearTimeout(timer);
    this.waiter = undefined;
    return reached;
  }
}

type Stats = Extract<ScaleOutReply, { type: 'stats' }>;

async function measure(
  context: ScenarioContext,
  backend: ScaleOutBackend,
  instances: number,
  env: Record<string, string>,
): Promise<ScaleOutRow> {
  const { clients: clientCount, rooms, windowSeconds } = context.sizes.scaleOut;
  const prefix = `bs-${process.pid}-${instances}-${Date.now().toString(36)}`;
  const server = await ScaleOutProcess.start(backend, instances, { ...env, SCALE_PREFIX: prefix });
  const clients: ScaleOutClient[] = [];
  try {
    const gate = new DeliveryGate();
    // Balanced instances (the primary's hand-out is not exact under concurrent connects): a
    // connection landing on a full instance is closed and made again, within a bound.
    const share = Math.ceil(clientCount / instances);
    const landed = new Array<number>(instances).fill(0);
    let attempts = 0;
    while (clients.length < clientCount) {
      if (attempts > clientCount * 4) throw new Error('could not balance the connections');
      const batch = Math.min(CONNECT_BATCH, clientCount - clients.length);
      attempts += batch;
      const opened = await Promise.all(
        Array.from({ length: batch }, () =>
          ScaleOutClient.connect(server.port, () => gate.delivered()),
        ),
      );
      for (const client of opened) {
        if (clients.length < clientCount && landed[client.instance] < share) {
          landed[client.instance] += 1;
          clients.push(client);
        } else client.close();
      }
    }
    const members = placeInRooms(clients, rooms, instances);
    await Promise.all(members.flatMap((list, r) => list.map((c) => c.join(`room-${r}`))));
    // Room r is triggered on the instance of its first placed member.
    const publisherOf = members.map((list, r) => list[0]?.instance ?? r % instances);
    const byPublisher = Array.from({ length: instances }, (_, i) =>
      members.flatMap((_list, r) => (publisherOf[r] === i ? [`room-${r}`] : [])),
    );
    const perRound = members.reduce((sum, list) => sum + list.length, 0);
    let seq = 0;
    const publishRound = async () => {
      seq += 1;
      const current = seq;
      await Promise.all(
        byPublisher.map((list, worker) =>
          list.length > 0
            ? server.request({ worker, cmd: 'publish', rooms: list, seq: current }, 'published')
            : undefined,
        ),
      );
    };
    // Settling rounds until one reaches every client: a room channel is subscribed
    // asynchronously after the first local member joins.
    let settled = false;
    for (let attempt = 0; attempt < 20 && !settled; attempt += 1) {
      const base = gate.total;
      await publishRound();
      settled = await gate.reach(base + perRound, 1_000);
    }
    if (!settled) throw new Error('no settling round reached every client within 20 attempts');
    await sleep(200);
    const stats = () =>
      Promise.all(
        Array.from({ length: instances }, (_, worker) =>
          server.request({ worker, cmd: 'stats' }, 'stats'),
        ),
      );
    const before = await stats();
    const deliveredBefore = clients.map((c) => c.received);
    const startCount = gate.total;
    const startSeq = seq;
    const start = performance.now();
    const end = start + windowSeconds * 1000;
    const sent: Promise<void>[] = [];
    while (performance.now() < end) {
      const issued = seq - startSeq;
      const done = Math.floor((gate.total - startCount) / perRound);
      if (issued - done < DEPTH) {
        sent.push(publishRound());
        continue;
      }
      // Room for another round once the oldest in flight has reached every client.
      await gate.reach(startCount + (issued - DEPTH + 1) * perRound, 1_000);
    }
    await Promise.all(sent);
    const rounds = seq - startSeq;
    await gate.reach(startCount + rounds * perRound, DRAIN_LIMIT_MS);
    const seconds = (performance.now() - start) / 1000;
    const after = await stats();
    const delivered = gate.total - startCount;
    const cpuOf = (a: Stats, b: Stats) => (b.cpuMicros - a.cpuMicros) / 1e6;
    const perInstance = after.map((a, i): ScaleOutInstanceRow => {
      const mine = clients.flatMap((c, k) => (c.instance === i ? [k] : []));
      return {
        instance: i,
        clients: mine.length,
        published: byPublisher[i].length * rounds,
        delivered: mine.reduce((sum, k) => sum + clients[k].received - deliveredBefore[k], 0),
        cpuSeconds: round(cpuOf(before[i], a), 3),
        decodedRoom: a.decodedRoom - before[i].decodedRoom,
        decodedGlobal: a.decodedGlobal - before[i].decodedGlobal,
        subscribedRooms: a.subscribedRooms,
      };
    });
    const cpuSeconds = perInstance.reduce((sum, r) => sum + r.cpuSeconds, 0);
    const row: ScaleOutRow = {
      backend,
      instances,
      clients: clientCount,
      rooms,
      spanningRooms: members.filter((list) => new Set(list.map((c) => c.instance)).size > 1).length,
      seconds: round(seconds, 2),
      broadcasts: rounds * rooms,
      delivered,
      missing: rounds * perRound - delivered,
      deliveredPerSec: Math.round(delivered / seconds),
      cpuSeconds: round(cpuSeconds, 3),
      deliveredPerCpuSecond: cpuSeconds > 0 ? Math.round(delivered / cpuSeconds) : 0,
      perInstance,
      loadAverage: round(loadavg()[0], 1),
      rounds: 1,
      roundRates: [Math.round(delivered / seconds)],
    };
    context.log(
      `  ${backend} × ${instances}: ${row.deliveredPerSec} msg/s, ` +
        `${row.deliveredPerCpuSecond} msg per CPU-s, decoded per instance ` +
        `[${perInstance.map((r) => r.decodedRoom + r.decodedGlobal).join(', ')}] of ` +
        `${row.broadcasts} broadcasts, missing ${row.missing}`,
    );
    return row;
  } finally {
    for (const client of clients) client.close();
    await server.stop().catch(() => undefined);
  }
}

/**
 * The run with the median delivered rate of `runs` (one whole run, so that its figures stay
 * consistent), with every run's rate in `roundRates`.
 */
export function medianRun(runs: readonly ScaleOutRow[]): ScaleOutRow {
  const sorted = [...runs].sort((a, b) => a.deliveredPerSec - b.deliveredPerSec);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)],
    rounds: runs.length,
    roundRates: runs.map((r) => r.deliveredPerSec),
  };
}

/**
 * Scale-out: for each backend whose address is known (Redis, Redis Cluster, NATS) and each
 * instance count of `sizes.scaleOut.instances`, that many instances behind one port
 * (`node:cluster`), the clients spread over rooms with each room's members on two instances,
 * and room-scoped broadcasts triggered over IPC on one member instance for a fixed window
 * (`DEPTH` rounds of one broadcast per room in flight). A backend without an address is
 * skipped; tiny runs measure only the first available one.
 */
export async function runScaleOut(
  context: ScenarioContext,
): Promise<(ScaleOutRow | ScaleOutSkipped)[]> {
  const env = backendEnv();
  const { instances, allBackends, rounds } = context.sizes.scaleOut;
  const out: (ScaleOutRow | ScaleOutSkipped)[] = [];
  let measuredOne = false;
  for (const backend of ['redis', 'redis-cluster', 'nats'] as const) {
    if (!env[NEEDS[backend]]) {
      out.push({ backend, skipped: `${NEEDS[backend]} is not set` });
      context.log(`  ${backend}: skipped (${NEEDS[backend]} is not set)`);
      continue;
    }
    if (measuredOne && !allBackends) {
      out.push({ backend, skipped: 'this mode measures one backend' });
      continue;
    }
    measuredOne = true;
    const runs = new Map<number, ScaleOutRow[]>(instances.map((n) => [n, []]));
    const failed = new Map<number, string>();
    for (let r = 0; r < rounds; r += 1) {
      for (const count of rotated(instances, r)) {
        if (failed.has(count)) continue;
        try {
          runs.get(count)?.push(await measure(context, backend, count, env));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          context.log(`  ${backend} × ${count}: failed (${message})`);
          failed.set(count, message);
        }
      }
    }
    for (const count of instances) {
      const message = failed.get(count);
      const measuredRuns = runs.get(count) ?? [];
      if (message !== undefined || measuredRuns.length === 0) {
        out.push({ backend, instances: count, skipped: `failed: ${message ?? 'not run'}` });
      } else out.push(medianRun(measuredRuns));
    }
  }
  return out;
}
