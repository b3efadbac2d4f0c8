import type { Server } from 'node:http';

/** The request time limits applied to the HTTP server, in milliseconds. */
export interface RequestTimeouts {
  /** Time from a request's first byte to its complete headers. */
  readonly headersTimeout: number;
  /** Time from a request's first byte to its complete body. */
  readonly requestTimeout: number;
}

/** Longest interval between two checks of the server's open requests. */
const MAX_CHECKING_INTERVAL_MS = 1_000;
const MIN_CHECKING_INTERVAL_MS = 50;

/**
 * Applies header and request time limits to every request of the HTTP server, the second and
 * later requests of a keep-alive connection included (slowloris, slow bodies). These are Node's
 * own `headersTimeout` and `requestTimeout`; a client past them gets `408 Request Timeout` and
 * its connection is closed. Node checks them every `connectionsCheckingInterval` (30 s by
 * default, so a limit of 10 s would hold only to within 30 s): the interval is set to a quarter
 * of the shorter limit, at most 1 s. The interval takes effect when the server starts listening
 * (Nest's `app.listen()` starts it after the module has started); returns false when the server
 * was already listening, so the limits hold but are checked at Node's own pace.
 */
export function applyRequestTimeouts(server: Server, timeouts: RequestTimeouts): boolean {
  const headersTimeout = timeouts.headersTimeout;
  const requestTimeout =
    timeouts.requestTimeout > 0 ? Math.max(timeouts.requestTimeout, headersTimeout) : 0;
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  const shortest = Math.min(...[headersTimeout, requestTimeout].filter((limit) => limit > 0));
  if (Number.isFinite(shortest)) {
    const interval = Math.min(
      MAX_CHECKING_INTERVAL_MS,
      Math.max(MIN_CHECKING_INTERVAL_MS, Math.floor(shortest / 4)),
    );
    (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
      interval;
  }
  return !server.listening;
}
