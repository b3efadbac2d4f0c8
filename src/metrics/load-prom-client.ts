import { createRequire } from 'node:module';
import { MissingDependencyError } from '../errors/missing-dependency.error.js';

/** The part of `prom-client` the metrics use. */
export type PromClient = typeof import('prom-client');

/** Loads the optional `prom-client` peer, or throws {@link MissingDependencyError} naming it. */
export function loadPromClient(): PromClient {
  try {
    return createRequire(import.meta.url)('prom-client') as PromClient;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new MissingDependencyError('prom-client', 'Streaming metrics (metrics.enabled)');
    }
    throw error;
  }
}
