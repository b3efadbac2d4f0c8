import { InvalidConfigError } from '../errors/invalid-config.error.js';
import type {
  RoomsConfig,
  SseConfig,
  StreamingConfig,
  StreamingJwtOptions,
  StreamingMetricsConfig,
  WebSocketConfig,
  WebTransportConfig,
} from '../interfaces/streaming-config.interface.js';

/** Every key of `T`, each marked once: tsc fails when the interface gains a key not listed here. */
type EveryKey<T> = { readonly [K in keyof Required<T>]: true };

const websocket: EveryKey<WebSocketConfig> = {
  enabled: true,
  readBufferSize: true,
  writeBufferSize: true,
  checkOrigin: true,
  handshakeTimeout: true,
  pingPeriod: true,
  pongWait: true,
  maxMessageSize: true,
  maxFragments: true,
  maxConnections: true,
  perMessageDeflate: true,
};
const sse: EveryKey<SseConfig> = {
  enabled: true,
  retryInterval: true,
  maxConnections: true,
  bufferSize: true,
  historySize: true,
  heartbeatInterval: true,
  checkOrigin: true,
};
const webTransport: EveryKey<WebTransportConfig> = {
  enabled: true,
  host: true,
  port: true,
  cert: true,
  privateKey: true,
  maxConnections: true,
  maxStreams: true,
  bufferSize: true,
  http3: true,
  checkOrigin: true,
  idleTimeout: true,
};
const jwt: EveryKey<StreamingJwtOptions> = {
  secret: true,
  publicKey: true,
  algorithms: true,
  issuer: true,
  audience: true,
  clockToleranceSec: true,
  closeOnExpiry: true,
};
const rooms: EveryKey<RoomsConfig> = {
  history: true,
  recoverJoinTimeout: true,
};
const metrics: EveryKey<StreamingMetricsConfig> = {
  enabled: true,
  registry: true,
  prefix: true,
  buckets: true,
};
const config: EveryKey<StreamingConfig> = {
  websocket: true,
  sse: true,
  webTransport: true,
  adapter: true,
  slowConsumer: true,
  allowedHosts: true,
  middleware: true,
  shutdownTimeout: true,
  headersTimeout: true,
  requestTimeout: true,
  jwt: true,
  rooms: true,
  metrics: true,
};

/** Keys accepted at each level of `StreamingConfig`, kept complete by the compiler; anything else is a typo. */
export const KNOWN_CONFIG_KEYS = {
  config: Object.keys(config),
  websocket: Object.keys(websocket),
  sse: Object.keys(sse),
  webTransport: Object.keys(webTransport),
  jwt: Object.keys(jwt),
  rooms: Object.keys(rooms),
  metrics: Object.keys(metrics),
} as const satisfies Record<string, readonly string[]>;

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j];
      const cost = a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1;
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + cost);
      previous = saved;
    }
  }
  return row[b.length];
}

/**
 * Throws {@link InvalidConfigError} for a key of `value` not in `known`, naming the key and,
 * when one is close, the key that was probably meant.
 */
export function assertKnownKeys(section: keyof typeof KNOWN_CONFIG_KEYS, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const known: readonly string[] = KNOWN_CONFIG_KEYS[section];
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const field = section === 'config' ? key : `${section}.${key}`;
    const best = [...known].sort((a, b) => distance(key, a) - distance(key, b))[0];
    const hint =
      best !== undefined && distance(key, best) <= Math.max(2, Math.floor(key.length / 3))
        ? ` (did you mean ${section === 'config' ? best : `${section}.${best}`}?)`
        : '';
    throw new InvalidConfigError(field, `is not a known option${hint}`);
  }
}
