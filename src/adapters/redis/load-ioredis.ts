import type { Cluster, Redis } from 'ioredis';
import { MissingDependencyError } from '../../errors/missing-dependency.error.js';

/** The ioredis client class. */
export type RedisConstructor = typeof Redis;
/** The ioredis Redis Cluster client class. */
export type ClusterConstructor = typeof Cluster;

type Importer = () => Promise<unknown>;

function pickConstructor<T>(mod: unknown, name: 'Redis' | 'Cluster'): T | undefined {
  if (typeof mod !== 'object' && typeof mod !== 'function') return undefined;
  if (mod === null) return undefined;
  const record = mod as Record<string, unknown>;
  if (typeof record[name] === 'function') return record[name] as T;
  if (record.default !== undefined) return pickConstructor(record.default, name);
  return undefined;
}

async function importIoredis(importer: Importer): Promise<unknown> {
  try {
    return await importer();
  } catch {
    throw new MissingDependencyError('ioredis', 'RedisStreamingAdapter');
  }
}

/**
 * Loads ioredis on demand (it is an optional peer dependency); fails with
 * {@link MissingDependencyError} when it is not installed.
 */
export async function loadIoredis(
  importer: Importer = () => import('ioredis'),
): Promise<RedisConstructor> {
  const ctor = pickConstructor<RedisConstructor>(await importIoredis(importer), 'Redis');
  if (!ctor) throw new MissingDependencyError('ioredis', 'RedisStreamingAdapter');
  return ctor;
}

/** Loads the ioredis `Cluster` class on demand, like {@link loadIoredis}. */
export async function loadIoredisCluster(
  importer: Importer = () => import('ioredis'),
): Promise<ClusterConstructor> {
  const ctor = pickConstructor<ClusterConstructor>(await importIoredis(importer), 'Cluster');
  if (!ctor) throw new MissingDependencyError('ioredis', 'RedisStreamingAdapter');
  return ctor;
}
