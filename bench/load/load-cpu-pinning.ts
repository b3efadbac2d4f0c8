import { execFileSync } from 'node:child_process';

/**
 * The CPUs the load generator is pinned to while a closed-loop scenario runs (`BENCH_LOAD_CPUS`,
 * a `taskset` CPU list such as `0` or `0-2`), or undefined when it runs unpinned.
 */
export function loadCpus(): string | undefined {
  const cpus = process.env.BENCH_LOAD_CPUS;
  return cpus === undefined || cpus.trim() === '' ? undefined : cpus.trim();
}

function affinityList(): string | undefined {
  try {
    const out = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
    return /:\s*(\S+)\s*$/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

function setAffinity(list: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', list, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a closed-loop scenario (echo, request/reply) with every thread of this process pinned to
 * {@link loadCpus}, so that the load generator never shares the servers' core, then restores the
 * affinity it had. With no CPU list, or no `taskset`, the scenario runs unpinned.
 */
export async function withLoadPinned<T>(run: () => Promise<T>): Promise<T> {
  const cpus = loadCpus();
  const before = cpus === undefined ? undefined : affinityList();
  const pinned = cpus !== undefined && before !== undefined && setAffinity(cpus);
  try {
    return await run();
  } finally {
    if (pinned && before !== undefined) setAffinity(before);
  }
}
