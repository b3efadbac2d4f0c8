import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { Cluster, type ClusterOptions } from 'ioredis';
import { waitFor } from '../../support/wait-for.js';
import { CuttableProxy } from '../redis/redis-test-env.js';

/** A node of the test run's Redis Cluster. */
export interface ClusterNodeAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * The Redis Cluster of the test run (pretest starts a private 3-master one on loopback), or
 * undefined when none runs here (its specs are then skipped, with that reason).
 */
export function redisClusterNodes(): ClusterNodeAddress[] | undefined {
  const nodes = process.env.REDIS_CLUSTER_NODES;
  if (!nodes) return undefined;
  return nodes.split(',').map((node) => {
    const [host, port] = node.split(':');
    return { host: host ?? '127.0.0.1', port: Number(port) };
  });
}

/** Why the Redis Cluster specs are skipped (undefined when they run). */
export function redisClusterSkipReason(): string | undefined {
  return redisClusterNodes()
    ? undefined
    : 'no Redis Cluster (REDIS_CLUSTER_NODES): run `node scripts/pretest.mjs`';
}

/** A plain Cluster client for assertions and clean-up. */
export function clusterTestClient(options: ClusterOptions = {}): Cluster {
  const nodes = redisClusterNodes();
  if (!nodes) throw new Error('no Redis Cluster');
  return new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 }, ...options });
}

/** Deletes every key under `prefix` on every master. */
export async function deleteClusterKeys(client: Cluster, prefix: string): Promise<void> {
  for (const node of client.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) await node.del(key);
    } while (cursor !== '0');
  }
}

function cli(port: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.status === 0 ? result.stdout : '';
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The master (port) serving the slot of hash tag `tag`. */
export function masterOf(tag: string): number {
  const nodes = redisClusterNodes() ?? [];
  const first = nodes[0];
  if (!first) throw new Error('no Redis Cluster');
  const slot = Number(cli(first.port, 'cluster', 'keyslot', tag).trim());
  const slots = cli(first.port, '--json', 'cluster', 'slots');
  for (const [from, to, master] of JSON.parse(slots) as [number, number, [string, number]][]) {
    if (slot >= from && slot <= to) return Number(master[1]);
  }
  throw new Error(`no master serves slot ${slot}`);
}

/** Whether this run may restart a master (pretest started the cluster, in REDIS_CLUSTER_DIR). */
export function canRestartMasters(): boolean {
  return Boolean(process.env.REDIS_CLUSTER_DIR);
}

/**
 * Kills one master (SIGKILL) and starts it again on the same port with the same nodes.conf,
 * before the cluster declares it failed (no failover: there are no replicas); resolves when
 * every node reports `cluster_state:ok` again. Its data is gone (no persistence).
 */
export async function restartMaster(port: number): Promise<void> {
  const dir = process.env.REDIS_CLUSTER_DIR;
  if (!dir) throw new Error('REDIS_CLUSTER_DIR is not set: this cluster was not started here');
  const nodeDir = join(dir, String(port));
  const pid = Number(readFileSync(join(nodeDir, 'redis.pid'), 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => !(await portOpen(port)), `master ${port} to stop`);
  const started = spawnSync('redis-server', [join(nodeDir, 'redis.conf')], { encoding: 'utf8' });
  if (started.status !== 0)
    throw new Error(`redis-server ${port} did not start: ${started.stderr}`);
  const ports = (redisClusterNodes() ?? []).map((node) => node.port);
  await waitFor(
    () => ports.every((p) => /cluster_state:ok/.test(cli(p, 'cluster', 'info'))),
    'cluster_state:ok on every node after the restart',
    15_000,
  );
}

/**
 * Cuttable proxies in front of every node, and the ioredis `natMap` that sends a client's
 * connections through them: cutting them all is a crash of that client's instance.
 */
export class ClusterProxies {
  private constructor(
    private readonly proxies: CuttableProxy[],
    readonly natMap: Record<string, { host: string; port: number }>,
    readonly seeds: ClusterNodeAddress[],
  ) {}

  /** Starts one proxy per node of the test run's cluster. */
  static async start(): Promise<ClusterProxies> {
    const nodes = redisClusterNodes();
    if (!nodes) throw new Error('no Redis Cluster');
    const proxies: CuttableProxy[] = [];
    const natMap: Record<string, { host: string; port: number }> = {};
    for (const node of nodes) {
      const proxy = await CuttableProxy.start(`redis://${node.host}:${node.port}`);
      proxies.push(proxy);
      natMap[`${node.host}:${node.port}`] = { host: '127.0.0.1', port: proxy.port };
    }
    const seeds = proxies.map((proxy) => ({ host: '127.0.0.1', port: proxy.port }));
    return new ClusterProxies(proxies, natMap, seeds);
  }

  /** Drops every proxied connection and refuses new ones. */
  cut(): void {
    for (const proxy of this.proxies) proxy.cut();
  }

  async close(): Promise<void> {
    for (const proxy of this.proxies) await proxy.close();
  }
}
