import type * as JetStreamModule from '@nats-io/jetstream';
import type * as KvModule from '@nats-io/kv';
import type * as TransportModule from '@nats-io/transport-node';
import { MissingDependencyError } from '../../errors/missing-dependency.error.js';

/** The three NATS packages the adapter is built on. */
export interface NatsModules {
  readonly transport: typeof TransportModule;
  readonly jetstream: typeof JetStreamModule;
  readonly kv: typeof KvModule;
}

type Importer = (name: string) => Promise<unknown>;

const FEATURE = 'NatsStreamingAdapter';

const defaultImporter: Importer = (name) => {
  switch (name) {
    case '@nats-io/transport-node':
      return import('@nats-io/transport-node');
    case '@nats-io/jetstream':
      return import('@nats-io/jetstream');
    default:
      return import('@nats-io/kv');
  }
};

async function load<T>(importer: Importer, name: string, probe: string): Promise<T> {
  let mod: unknown;
  try {
    mod = await importer(name);
  } catch {
    throw new MissingDependencyError(name, FEATURE);
  }
  const record = mod as Record<string, unknown> | null;
  if (!record || typeof record[probe] !== 'function')
    throw new MissingDependencyError(name, FEATURE);
  return record as T;
}

/**
 * Loads `@nats-io/transport-node`, `@nats-io/jetstream` and `@nats-io/kv` on demand (optional
 * peer dependencies); fails with {@link MissingDependencyError} naming the first one missing.
 */
export async function loadNats(importer: Importer = defaultImporter): Promise<NatsModules> {
  const transport = await load<typeof TransportModule>(
    importer,
    '@nats-io/transport-node',
    'connect',
  );
  const jetstream = await load<typeof JetStreamModule>(
    importer,
    '@nats-io/jetstream',
    'jetstreamManager',
  );
  const kv = await load<typeof KvModule>(importer, '@nats-io/kv', 'Kvm');
  return { transport, jetstream, kv };
}
