import { DEFAULT_JWT_SECRET } from './jwt-secret-policy.js';

/**
 * The sample app's settings, read from the environment (see the README's "Sample app" section).
 * Every variable is optional; a malformed value stops the start-up with a message naming it.
 */
export interface SampleConfig {
  /** HTTP port of the app (page, REST, WebSocket, SSE). `PORT`, default 3000; 0 picks a free port. */
  readonly port: number;
  /** Address to listen on. `HOST`, default all interfaces. */
  readonly host: string | undefined;
  /** Port of the WebTransport server. `WT_PORT`, default 4433; 0 picks a free port. */
  readonly webTransportPort: number;
  /** Whether the WebTransport server runs. `WT_ENABLED`, default true. */
  readonly webTransportEnabled: boolean;
  /** HS256 secret of the demo login tokens. `JWT_SECRET`, default `dev-secret`. */
  readonly jwtSecret: string;
  /** Redis URL; set, the app shares rooms, broadcasts and SSE history through Redis. `REDIS_URL`. */
  readonly redisUrl: string | undefined;
  /** Allowed browser origins; empty means the app's own origin. `ALLOWED_ORIGINS`, comma list. */
  readonly allowedOrigins: readonly string[];
  /** Most concurrent WebSocket connections. `WS_MAX_CONNECTIONS`, default 10 000. */
  readonly wsMaxConnections: number | undefined;
  /** Most concurrent SSE connections. `SSE_MAX_CONNECTIONS`, default 10 000. */
  readonly sseMaxConnections: number | undefined;
  /** Largest inbound WebSocket message in bytes. `MAX_MESSAGE_SIZE`, default 65 536. */
  readonly maxMessageSize: number;
  /** Interval of the `/events` ticks and dashboard samples, in ms. `TICK_MS`, default 1000. */
  readonly tickMs: number;
  /** Whether this process runs the shared tick (one process of a cluster). `TICKER`, default on. */
  readonly ticker: boolean;
}

/** The environment variables the sample reads. */
export type SampleEnv = Readonly<Record<string, string | undefined>>;

/** Thrown when an environment variable has a value the sample cannot use. */
export class SampleConfigError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`${variable}="${value}" is invalid: expected ${expected}`);
    this.name = 'SampleConfigError';
  }
}

function integer(env: SampleEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SampleConfigError(name, raw, `an integer from ${min} to ${max}`);
  }
  return value;
}

function optionalInteger(env: SampleEnv, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  return integer(env, name, 0, min, Number.MAX_SAFE_INTEGER);
}

function flag(env: SampleEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new SampleConfigError(name, raw, 'true or false');
}

function origins(env: SampleEnv): string[] {
  const raw = env.ALLOWED_ORIGINS?.trim();
  if (!raw) return [];
  return raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0)
    .map((origin) => {
      if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
        throw new SampleConfigError('ALLOWED_ORIGINS', origin, 'origins like https://app.example');
      }
      return origin;
    });
}

/** Reads the sample's settings from `env` (defaults from the design's sample section). */
export function loadSampleConfig(env: SampleEnv = process.env): SampleConfig {
  const redisUrl = env.REDIS_URL?.trim();
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || undefined,
    webTransportPort: integer(env, 'WT_PORT', 4433, 0, 65535),
    webTransportEnabled: flag(env, 'WT_ENABLED', true),
    jwtSecret: env.JWT_SECRET || DEFAULT_JWT_SECRET,
    redisUrl: redisUrl ? redisUrl : undefined,
    allowedOrigins: origins(env),
    wsMaxConnections: optionalInteger(env, 'WS_MAX_CONNECTIONS', 1),
    sseMaxConnections: optionalInteger(env, 'SSE_MAX_CONNECTIONS', 1),
    maxMessageSize: integer(env, 'MAX_MESSAGE_SIZE', 65536, 1, 64 * 1024 * 1024),
    tickMs: integer(env, 'TICK_MS', 1000, 10, 3_600_000),
    ticker: flag(env, 'TICKER', true),
  };
}

/** Injection token of the {@link SampleConfig}. */
export const SAMPLE_CONFIG = Symbol('SAMPLE_CONFIG');
