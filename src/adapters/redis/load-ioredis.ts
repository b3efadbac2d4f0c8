import type { Redis } from 'ioredis';
import { MissingDependencyError } from '../../errors/missing-dependency.error.js';

/** The ioredis client class. */
export type RedisConstructor = typeof Redis;

type Importer = () => Promise<unknown>;

function pickConstructor(mod: unknown): RedisConstructor | undefined {
  if (typeof mod !== 'object' && typeof mod !== 'function') return undefined;
  if (mod === null) return undefined;
  const record = mod as { Redis?: unknown; default?: unknown };
  if (typeof record.Redis === 'function') return record.Redis as RedisConstructor;
  if (record.default !== undefined) return pickConstructor(record.default);
  return undefined;
}

/**
 * Loads ioredis on demand (it is an optional peer dependency); fails with
 * {@link MissingDependencyError} when it is not installed.
 */
export async function loadIoredis(
  importer: Importer = () => import('ioredis'),
): Promise<RedisConstructor> {
  let mod: unknown;
  try {
    mod = await importer();
  } catch {
    throw new MissingDependencyError('ioredis', 'RedisStreamingAdapter');
  }
  const ctor = pickConstructor(mod);
  if (!ctor) throw new MissingDependencyError('ioredis', 'RedisStreamingAdapter');
  return ctor;
}
