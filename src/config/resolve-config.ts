import { validateAllowedHosts } from '../handshake/host-check.js';
import { validateOriginCheck } from '../handshake/origin-check.js';
import { InvalidConfigError } from '../errors/invalid-config.error.js';
import { assertKnownKeys } from './known-config-keys.js';
import {
  SLOW_CONSUMER_POLICIES,
  type BatchingOptions,
  type ResolvedStreamingConfig,
  type StreamingConfig,
} from '../interfaces/streaming-config.interface.js';
import type { AnyRouteOptions } from '../interfaces/route-options.interface.js';
import {
  DEFAULT_HEADERS_TIMEOUT,
  DEFAULT_REQUEST_TIMEOUT,
  DEFAULT_SHUTDOWN_TIMEOUT,
  DEFAULT_SSE_CONFIG,
  DEFAULT_WEBSOCKET_CONFIG,
  DEFAULT_WEB_TRANSPORT_CONFIG,
} from './default-config.js';

function assertObject(field: string, value: unknown): void {
  if (
    value !== undefined &&
    (value === null || typeof value !== 'object' || Array.isArray(value))
  ) {
    throw new InvalidConfigError(field, 'must be an object');
  }
}

function assertBoolean(field: string, value: unknown): void {
  if (typeof value !== 'boolean')
    throw new InvalidConfigError(field, `must be a boolean (got ${String(value)})`);
}

/** Checks a non-negative finite integer (or, with `positive`, at least 1). */
export function assertCount(field: string, value: unknown, positive = false): void {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    !Number.isInteger(value) ||
    value < (positive ? 1 : 0)
  ) {
    throw new InvalidConfigError(
      field,
      `must be a ${positive ? 'positive' : 'non-negative'} integer (got ${String(value)})`,
    );
  }
}

function assertPolicy(field: string, value: unknown): void {
  if (!SLOW_CONSUMER_POLICIES.includes(value as never)) {
    throw new InvalidConfigError(
      field,
      `must be one of ${SLOW_CONSUMER_POLICIES.join(', ')} (got ${String(value)})`,
    );
  }
}

function assertBatching(field: string, value: BatchingOptions | undefined): void {
  if (value === undefined) return;
  assertObject(field, value);
  assertCount(`${field}.intervalMs`, value.intervalMs, true);
  assertCount(`${field}.maxMessages`, value.maxMessages, true);
}

/** Fills defaults and validates; a bad value throws {@link InvalidConfigError} naming the field. */
export function resolveStreamingConfig(config: StreamingConfig = {}): ResolvedStreamingConfig {
  assertObject('config', config);
  assertObject('websocket', config.websocket);
  assertObject('sse', config.sse);
  assertObject('webTransport', config.webTransport);
  assertKnownKeys('config', config);
  assertKnownKeys('websocket', config.websocket);
  assertKnownKeys('sse', config.sse);
  assertKnownKeys('webTransport', config.webTransport);
  assertKnownKeys('jwt', config.jwt);
  assertKnownKeys('rooms', config.rooms);
  assertKnownKeys('metrics', config.metrics);
  const resolved: ResolvedStreamingConfig = {
    websocket: { ...DEFAULT_WEBSOCKET_CONFIG, ...stripUndefined(config.websocket) },
    sse: { ...DEFAULT_SSE_CONFIG, ...stripUndefined(config.sse) },
    webTransport: { ...DEFAULT_WEB_TRANSPORT_CONFIG, ...stripUndefined(config.webTransport) },
    adapter: config.adapter,
    slowConsumer: config.slowConsumer ?? 'drop-oldest',
    allowedHosts: config.allowedHosts,
    middleware: config.middleware ?? [],
    shutdownTimeout: config.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT,
    headersTimeout: config.headersTimeout ?? DEFAULT_HEADERS_TIMEOUT,
    requestTimeout: config.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT,
    jwt: config.jwt,
    rooms: config.rooms,
    metrics: config.metrics,
  };
  const ws = resolved.websocket;
  assertBoolean('websocket.enabled', ws.enabled);
  assertCount('websocket.readBufferSize', ws.readBufferSize, true);
  assertCount('websocket.writeBufferSize', ws.writeBufferSize, true);
  validateOriginCheck('websocket.checkOrigin', ws.checkOrigin);
  assertCount('websocket.handshakeTimeout', ws.handshakeTimeout, true);
  assertCount('websocket.pingPeriod', ws.pingPeriod);
  assertCount('websocket.pongWait', ws.pongWait, true);
  assertCount('websocket.maxMessageSize', ws.maxMessageSize, true);
  if (ws.maxFragments !== undefined) assertCount('websocket.maxFragments', ws.maxFragments, true);
  assertCount('websocket.maxConnections', ws.maxConnections, true);
  assertBoolean('websocket.perMessageDeflate', ws.perMessageDeflate);

  const sse = resolved.sse;
  assertBoolean('sse.enabled', sse.enabled);
  assertCount('sse.retryInterval', sse.retryInterval);
  assertCount('sse.maxConnections', sse.maxConnections, true);
  assertCount('sse.bufferSize', sse.bufferSize, true);
  assertCount('sse.historySize', sse.historySize);
  assertCount('sse.heartbeatInterval', sse.heartbeatInterval);
  validateOriginCheck('sse.checkOrigin', sse.checkOrigin);

  const wt = resolved.webTransport;
  assertBoolean('webTransport.enabled', wt.enabled);
  if (typeof wt.host !== 'string' || wt.host.length === 0) {
    throw new InvalidConfigError('webTransport.host', 'must be a non-empty string');
  }
  assertCount('webTransport.port', wt.port);
  if (wt.port > 65535)
    throw new InvalidConfigError('webTransport.port', `must be at most 65535 (got ${wt.port})`);
  if ((wt.cert === undefined) !== (wt.privateKey === undefined)) {
    throw new InvalidConfigError(
      'webTransport.cert',
      'and webTransport.privateKey must be given together',
    );
  }
  assertCount('webTransport.maxConnections', wt.maxConnections, true);
  assertCount('webTransport.maxStreams', wt.maxStreams, true);
  assertCount('webTransport.bufferSize', wt.bufferSize, true);
  assertCount('webTransport.idleTimeout', wt.idleTimeout);
  if (!['auto', 'off', 'required'].includes(wt.http3)) {
    throw new InvalidConfigError(
      'webTransport.http3',
      `must be auto, off or required (got ${String(wt.http3)})`,
    );
  }
  validateOriginCheck('webTransport.checkOrigin', wt.checkOrigin);

  assertPolicy('slowConsumer', resolved.slowConsumer);
  validateAllowedHosts('allowedHosts', resolved.allowedHosts);
  if (
    !Array.isArray(resolved.middleware) ||
    resolved.middleware.some((m) => typeof m !== 'function')
  ) {
    throw new InvalidConfigError('middleware', 'must be an array of functions');
  }
  assertCount('shutdownTimeout', resolved.shutdownTimeout);
  assertCount('headersTimeout', resolved.headersTimeout, true);
  assertCount('requestTimeout', resolved.requestTimeout);
  if (resolved.adapter !== undefined && typeof resolved.adapter.publish !== 'function') {
    throw new InvalidConfigError('adapter', 'must implement StreamingAdapter');
  }
  if (resolved.jwt !== undefined) {
    assertObject('jwt', resolved.jwt);
    if (!resolved.jwt.secret && !resolved.jwt.publicKey) {
      throw new InvalidConfigError('jwt', 'needs a secret or a publicKey');
    }
  }
  return resolved;
}

/** Validates a route's options, naming `source` and the field. */
export function validateRouteOptions(source: string, options: AnyRouteOptions): void {
  const field = (name: string) => `${source} option ${name}`;
  const record = options as Record<string, unknown>;
  for (const name of [
    'maxConnections',
    'maxMessageSize',
    'maxFragments',
    'writeBufferSize',
    'bufferSize',
    'maxStreams',
  ]) {
    if (record[name] !== undefined) assertCount(field(name), record[name], true);
  }
  for (const name of ['historySize', 'heartbeatInterval', 'retryInterval']) {
    if (record[name] !== undefined) assertCount(field(name), record[name]);
  }
  if (options.slowConsumer !== undefined) assertPolicy(field('slowConsumer'), options.slowConsumer);
  if (options.checkOrigin !== undefined)
    validateOriginCheck(field('checkOrigin'), options.checkOrigin);
  validateAllowedHosts(field('allowedHosts'), options.allowedHosts);
  assertBatching(field('batching'), options.batching);
  const rate = record.messageRateLimit as { messages?: unknown; windowMs?: unknown } | undefined;
  if (rate !== undefined) {
    assertCount(field('messageRateLimit.messages'), rate.messages, true);
    assertCount(field('messageRateLimit.windowMs'), rate.windowMs, true);
  }
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
