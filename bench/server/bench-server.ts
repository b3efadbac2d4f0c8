/**
 * What every contender's server offers the harness. WebSocket servers serve `/echo` (echo every
 * message), `/fan` (receive broadcasts) and `/guarded?token=…` (a route behind a token check);
 * SSE servers serve `/events`.
 */
export interface BenchServer {
  /** The listening port on 127.0.0.1. */
  readonly port: number;
  /** The WebTransport echo endpoint (`/wt-echo`), when the contender serves one. */
  readonly webTransport?: { readonly url: string; readonly certificateHash: string };
  /** Sends `payload` to every `/fan` (or `/events`) subscriber. */
  broadcast(payload: string): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts one contender's server on 127.0.0.1, port 0. */
export type BenchServerFactory = () => Promise<BenchServer>;

/** The port a listening `node:http` server was given. */
export function portOf(server: { address(): unknown }): number {
  const address = server.address();
  if (address === null || typeof address !== 'object' || !('port' in address)) {
    throw new Error('The server is not listening on a TCP port');
  }
  return (address as { port: number }).port;
}

/** True when a request target carries the benchmark token in its query string. */
export function hasToken(url: string | undefined, token: string): boolean {
  if (!url) return false;
  const query = url.indexOf('?');
  if (query < 0) return false;
  return new URLSearchParams(url.slice(query + 1)).get('token') === token;
}
