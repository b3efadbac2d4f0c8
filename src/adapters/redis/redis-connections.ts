import { Logger } from '@nestjs/common';
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { ClusterConstructor, RedisConstructor } from './load-ioredis.js';
import { isClusterClient, type RedisClient } from './redis-client.js';
import type { ResolvedRedisAdapterOptions } from './redis-adapter-options.interface.js';
import { RedisUnavailableError } from './redis-unavailable.error.js';

/** Which of the adapter's connections an event is about. */
export type RedisRole = 'commands' | 'subscriber';

/** What the connections report to the adapter. */
export interface RedisConnectionListener {
  /** The connection is (again) ready for commands. */
  ready(role: RedisRole): void;
  /** The connection dropped; ioredis is reconnecting. */
  lost(role: RedisRole): void;
  /**
   * Redis Cluster only: a node joined the commands connection's pool, or (re)connected, while the
   * cluster stayed up (a restarted master may have come back without its data).
   */
  nodeReady(): void;
}

const CLIENT_DEFAULTS: RedisOptions = {
  lazyConnect: true,
  // Fail fast while disconnected: the adapter resynchronizes on reconnect instead of queueing.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResubscribe: false,
  connectTimeout: 2000,
  retryStrategy: (times: number) => Math.min(100 * times, 1000),
};

/** How long a graceful QUIT may take before the connection is dropped. */
const QUIT_TIMEOUT_MS = 1000;

const CLUSTER_DEFAULTS: ClusterOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  clusterRetryStrategy: (times: number) => Math.min(100 * times, 1000),
  // A master that restarted is found again (and its sharded subscriber rebuilt) within a second.
  slotsRefreshInterval: 1000,
  redisOptions: { connectTimeout: 2000, maxRetriesPerRequest: 1 },
};

/** Adapter defaults under the user's Cluster options (`redisOptions` merged one level deep). */
function clusterOptions(user: ClusterOptions | undefined, sharded: boolean): ClusterOptions {
  return {
    ...CLUSTER_DEFAULTS,
    ...user,
    redisOptions: { ...CLUSTER_DEFAULTS.redisOptions, ...user?.redisOptions },
    ...(sharded ? { shardedSubscribers: true } : {}),
  };
}

function nodeName(node: ClusterNode): string {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return `127.0.0.1:${node}`;
  return `${node.host ?? '127.0.0.1'}:${node.port ?? 6379}`;
}

/** `redis://user:secret@host` → `redis://host` (for messages and logs). */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}

/**
 * The adapter's two Redis connections (one for commands, one subscribed to the bus channels):
 * creates them, tracks readiness, logs outages once, and closes what it opened. On Redis Cluster
 * both are ioredis `Cluster`s; the subscriber has `shardedSubscribers` on (one connection per
 * shard, managed by ioredis).
 */
export class RedisConnections {
  readonly commands: RedisClient;
  readonly subscriber: RedisClient;
  private readonly ownsCommands: boolean;
  private readonly logger = new Logger('ForgeStreamingRedis');
  private readonly detach: Array<() => void> = [];
  private lastError: string | undefined;
  private outageLogged = false;
  private closing = false;
  readonly target: string;

  constructor(
    Ctor: RedisConstructor,
    private readonly config: ResolvedRedisAdapterOptions,
    private readonly listener: RedisConnectionListener,
    ClusterCtor?: ClusterConstructor,
  ) {
    const given = config.client;
    if (given && isClusterClient(given)) {
      this.commands = given;
      this.ownsCommands = false;
      this.target = 'Redis Cluster (given client)';
      this.subscriber = given.duplicate([], clusterOptions({ lazyConnect: true }, true));
    } else if (given) {
      this.commands = given;
      this.ownsCommands = false;
      this.target = `${given.options.host ?? 'localhost'}:${given.options.port ?? 6379}`;
      this.subscriber = given.duplicate({ ...CLIENT_DEFAULTS });
    } else if (config.cluster && ClusterCtor) {
      const nodes = [...config.cluster.nodes];
      this.commands = new ClusterCtor(nodes, clusterOptions(config.cluster.options, false));
      this.ownsCommands = true;
      this.target = `Redis Cluster ${nodes.map(nodeName).join(',')}`;
      this.subscriber = new ClusterCtor(nodes, clusterOptions(config.cluster.options, true));
    } else {
      const options = { ...CLIENT_DEFAULTS, ...config.options };
      this.commands = new Ctor(config.url, options);
      this.ownsCommands = true;
      this.target = redactUrl(config.url);
      this.subscriber = new Ctor(config.url, options);
    }
    this.watch(this.commands, 'commands');
    this.watch(this.subscriber, 'subscriber');
    if (isClusterClient(this.commands)) this.watchNodes(this.commands);
  }

  /** Tells the listener when a cluster node's connection becomes ready. */
  private watchNodes(cluster: Cluster): void {
    const onNode = (node: Redis): void => {
      // A node joins the pool lazily (it connects on its first command), so its arrival counts
      // too: the adapter's resynchronization then writes to it, and retries until it answers.
      if (!this.closing) this.listener.nodeReady();
      node.on('ready', () => {
        if (!this.closing) this.listener.nodeReady();
      });
    };
    cluster.on('+node', onNode);
    this.detach.push(() => cluster.off('+node', onNode));
  }

  private watch(client: RedisClient, role: RedisRole): void {
    const onReady = (): void => {
      if (this.outageLogged) this.logger.log(`Redis connection (${role}) restored`);
      this.outageLogged = false;
      this.listener.ready(role);
    };
    const onClose = (): void => {
      if (!this.closing) this.listener.lost(role);
    };
    const onError = (error: Error): void => {
      this.lastError = error.message;
      if (!this.outageLogged && !this.closing) {
        this.outageLogged = true;
        this.logger.warn(`Redis unavailable at ${this.target}: ${error.message}; reconnecting`);
      }
    };
    client.on('ready', onReady);
    client.on('close', onClose);
    client.on('error', onError);
    this.detach.push(() => {
      client.off('ready', onReady);
      client.off('close', onClose);
      client.off('error', onError);
    });
  }

  /** Starts connecting (the connections are created lazily). */
  connect(): void {
    for (const client of [this.commands, this.subscriber]) {
      if (client.status === 'wait') client.connect().catch(() => undefined);
    }
  }

  /** Whether a connection is ready for commands. */
  isReady(role: RedisRole): boolean {
    return (role === 'commands' ? this.commands : this.subscriber).status === 'ready';
  }

  /** Resolves when both connections are ready; {@link RedisUnavailableError} after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.isReady('commands') && this.isReady('subscriber')) {
          clearInterval(timer);
          clearTimeout(deadline);
          resolve();
        }
      };
      const timer = setInterval(check, 25);
      const deadline = setTimeout(() => {
        clearInterval(timer);
        reject(new RedisUnavailableError(this.target, timeoutMs, this.lastError));
      }, timeoutMs);
      check();
    });
  }

  /** Closes the connections the adapter opened; detaches from a client it was given. */
  async close(): Promise<void> {
    this.closing = true;
    for (const detach of this.detach.splice(0)) detach();
    const owned = this.ownsCommands ? [this.commands, this.subscriber] : [this.subscriber];
    await Promise.all(owned.map((client) => this.closeClient(client)));
  }

  private async closeClient(client: RedisClient): Promise<void> {
    // Keep a listener so a late socket error during shutdown is not an unhandled 'error' event.
    client.on('error', () => undefined);
    // A Cluster may schedule a reconnection of its own after this (a sharded subscriber's failed
    // connection refreshes the slots later): with no retry left, such a late attempt just ends.
    if (isClusterClient(client)) client.options.clusterRetryStrategy = () => null;
    if (client.status === 'ready') {
      try {
        // A Cluster's quit waits on every node: one that cannot answer must not hold shutdown.
        const quit = client.quit().then(() => true);
        const late = new Promise<false>((resolve) =>
          setTimeout(resolve, QUIT_TIMEOUT_MS, false).unref(),
        );
        if (await Promise.race([quit, late])) return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    client.disconnect();
  }
}
