import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';

/** Options of {@link runCluster}. */
export interface RunClusterOptions {
  /** Worker processes to run; 1 (or less) starts the app in this process without forking. */
  readonly workers: number;
  /** Starts one app instance (called in each worker). Its server's `listen(port)` is shared. */
  readonly start: () => Promise<void>;
  /**
   * Extra environment of the worker with this index (0-based), e.g. to let only worker 0 run
   * a singleton job or bind a UDP port: `(i) => ({ TICKER: i === 0 ? 'on' : 'off' })`.
   * Every worker also gets `FORGE_WORKER_INDEX`.
   */
  readonly workerEnv?: (index: number) => Record<string, string>;
  /** Start a replacement when a worker dies unexpectedly. Default true. */
  readonly respawn?: boolean;
  /** How long the primary waits for workers to exit after SIGTERM/SIGINT (ms). Default 15000. */
  readonly shutdownTimeoutMs?: number;
  /** Where the primary reports worker starts and exits. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/**
 * Reads the worker count from `WORKERS`: a positive integer, or `auto` for one per CPU.
 * Unset or empty: 1 (no forking).
 */
export function workersFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.WORKERS?.trim().toLowerCase();
  if (!raw) return 1;
  if (raw === 'auto') return availableParallelism();
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1024) {
    throw new Error(`WORKERS="${env.WORKERS}" is invalid: expected a positive integer or "auto"`);
  }
  return value;
}

/**
 * Runs the app in `workers` processes on one port with `node:cluster`: the primary forks the
 * workers, which all call `start()` and listen on the same port (the primary hands each new TCP
 * connection to one worker). The processes share nothing in memory: give every worker the Redis
 * adapter (`REDIS_URL`) so rooms, broadcasts, presence and SSE history span them.
 *
 * The primary forwards SIGTERM/SIGINT to the workers (each drains gracefully) and exits once
 * they are gone; a worker that crashes is replaced unless `respawn` is false.
 */
export async function runCluster(options: RunClusterOptions): Promise<void> {
  if (options.workers <= 1) {
    await options.start();
    return;
  }
  if (!cluster.isPrimary) {
    await options.start();
    return;
  }
  const log = options.log ?? ((line: string) => console.log(line));
  const respawn = options.respawn ?? true;
  const indexOf = new Map<Worker, number>();
  let stopping = false;

  const fork = (index: number): void => {
    const env = { ...(options.workerEnv?.(index) ?? {}), FORGE_WORKER_INDEX: String(index) };
    const worker = cluster.fork(env);
    indexOf.set(worker, index);
  };

  cluster.on('exit', (worker, code, signal) => {
    const index = indexOf.get(worker) ?? -1;
    indexOf.delete(worker);
    if (stopping) {
      if (indexOf.size === 0) process.exit(0);
      return;
    }
    log(`[cluster] worker ${index} (pid ${worker.process.pid}) exited (${signal ?? code})`);
    if (respawn && index >= 0) setTimeout(() => fork(index), 500).unref();
  });

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`[cluster] ${signal}: stopping ${indexOf.size} workers`);
    for (const worker of indexOf.keys()) worker.process.kill(signal);
    if (indexOf.size === 0) process.exit(0);
    setTimeout(() => {
      for (const worker of indexOf.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, options.shutdownTimeoutMs ?? 15_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  log(`[cluster] primary ${process.pid} starting ${options.workers} workers`);
  for (let index = 0; index < options.workers; index += 1) fork(index);
}
