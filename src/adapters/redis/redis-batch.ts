import type { ChainableCommander } from 'ioredis';
import { hashTag, isClusterClient, type RedisClient } from './redis-client.js';

type Write = (pipeline: ChainableCommander) => void;

function throwFirstError(results: [Error | null, unknown][] | null): void {
  for (const [error] of results ?? []) if (error) throw error;
}

/**
 * Writes sent together without one multi-key command: on one Redis server a single pipeline
 * (in the order added); on Redis Cluster one pipeline per hash tag (a pipeline must stay on one
 * node), each in the order added, sent in parallel. A write is filed under the key it touches;
 * a keyless one (a `PUBLISH`) under the key it must follow.
 */
export class RedisBatch {
  private readonly groups = new Map<string, Write[]>();
  private readonly writes: Write[] = [];

  constructor(private readonly client: RedisClient) {}

  /** Adds a write of (or after a write of) `key`. */
  add(key: string, write: Write): this {
    this.writes.push(write);
    const tag = hashTag(key);
    const group = this.groups.get(tag);
    if (group) group.push(write);
    else this.groups.set(tag, [write]);
    return this;
  }

  /** Sends every write; rejects with the first command's error, or when a pipeline failed. */
  async exec(): Promise<void> {
    if (this.writes.length === 0) return;
    if (!isClusterClient(this.client)) {
      const pipeline = this.client.pipeline();
      for (const write of this.writes) write(pipeline);
      throwFirstError(await pipeline.exec());
      return;
    }
    const client = this.client;
    await Promise.all(
      [...this.groups.values()].map(async (writes) => {
        const pipeline = client.pipeline();
        for (const write of writes) write(pipeline);
        throwFirstError(await pipeline.exec());
      }),
    );
  }
}
