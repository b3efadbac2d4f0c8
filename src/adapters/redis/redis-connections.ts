import { Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { RedisConstructor } from './load-ioredis.js';
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
 * creates them, tracks readiness, logs outages once, and closes what it opened.
 */
export class RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;
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
  ) {
    if (config.client) {
      this.commands = config.client;
      this.ownsCommands = false;
      this.target = `${config.client.options.host ?? 'localhost'}:${config.client.options.port ?? 6379}`;
      this.subscriber = config.client.duplicate({ ...CLIENT_DEFAULTS });
    } else {
      const options = { ...CLIENT_DEFAULTS, ...config.options };
      this.commands = new Ctor(config.url, options);
      this.ownsCommands = true;
      this.target = redactUrl(config.url);
      this.subscriber = new Ctor(config.url, options);
    }
    this.watch(this.commands, 'commands');
    this.watch(this.subscriber, 'subscriber');
  }

  private watch(client: Redis, role: RedisRole): void {
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

  private async closeClient(client: Redis): Promise<void> {
    // Keep a listener so a late socket error during shutdown is not an unhandled 'error' event.
    client.on('error', () => undefined);
    if (client.status === 'ready') {
      try {
        await client.quit();
        return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    client.disconnect();
  }
}
