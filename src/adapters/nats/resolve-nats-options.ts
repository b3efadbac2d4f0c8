import { InvalidConfigError } from '../../errors/invalid-config.error.js';
import type {
  NatsStreamingAdapterOptions,
  ResolvedNatsAdapterOptions,
} from './nats-adapter-options.interface.js';

const PREFIX = /^[A-Za-z0-9_-]{1,32}$/;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidConfigError(`nats.${name}`, `must be a positive number (got ${value})`);
  }
  return value;
}

/** Applies the defaults and checks the options; throws {@link InvalidConfigError} when invalid. */
export function resolveNatsOptions(
  options: NatsStreamingAdapterOptions,
): ResolvedNatsAdapterOptions {
  const prefix = options.prefix ?? 'forge';
  if (!PREFIX.test(prefix)) {
    throw new InvalidConfigError(
      'nats.prefix',
      `must be 1-32 letters, digits, "-" or "_" (got "${prefix}")`,
    );
  }
  const heartbeatMs = positive('heartbeatMs', options.heartbeatMs, 2000);
  const registryTtlMs = positive('registryTtlMs', options.registryTtlMs, 10_000);
  if (registryTtlMs <= heartbeatMs) {
    throw new InvalidConfigError(
      'nats.registryTtlMs',
      `must exceed heartbeatMs (${registryTtlMs} <= ${heartbeatMs})`,
    );
  }
  const servers = options.servers ?? 'nats://127.0.0.1:4222';
  return {
    servers: typeof servers === 'string' ? [servers] : [...servers],
    connectionOptions: options.connectionOptions ?? {},
    prefix,
    heartbeatMs,
    registryTtlMs,
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5000),
    roomSubjectLingerMs: positive('roomSubjectLingerMs', options.roomSubjectLingerMs, 2000),
    commandTimeoutMs: positive('commandTimeoutMs', options.commandTimeoutMs, 2000),
  };
}
