import { InvalidConfigError } from '../errors/invalid-config.error.js';

/** Keys accepted at each level of `StreamingConfig`; anything else is a typo. */
export const KNOWN_CONFIG_KEYS = {
  config: [
    'websocket',
    'sse',
    'webTransport',
    'adapter',
    'slowConsumer',
    'middleware',
    'shutdownTimeout',
    'headersTimeout',
    'jwt',
  ],
  websocket: [
    'enabled',
    'readBufferSize',
    'writeBufferSize',
    'checkOrigin',
    'handshakeTimeout',
    'pingPeriod',
    'pongWait',
    'maxMessageSize',
    'maxConnections',
    'perMessageDeflate',
  ],
  sse: [
    'enabled',
    'retryInterval',
    'maxConnections',
    'bufferSize',
    'historySize',
    'heartbeatInterval',
    'checkOrigin',
  ],
  webTransport: [
    'enabled',
    'host',
    'port',
    'cert',
    'privateKey',
    'maxConnections',
    'maxStreams',
    'bufferSize',
    'http3',
    'checkOrigin',
    'idleTimeout',
  ],
  jwt: ['secret', 'publicKey', 'algorithms', 'issuer', 'audience', 'clockToleranceSec'],
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
