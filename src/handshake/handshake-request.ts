import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { HandshakeRequest } from '../interfaces/connection.interface.js';

/** The query of a request target without one (shared, frozen). */
const NO_QUERY: Readonly<Record<string, string>> = Object.freeze({});

function safeDecodeUri(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURI(value);
  } catch {
    return value;
  }
}

/** The path of a request target (percent-decoded where valid), without its query. */
export function pathOfTarget(target: string): string {
  const queryStart = target.indexOf('?');
  return safeDecodeUri(queryStart === -1 ? target : target.slice(0, queryStart));
}

/** The query of a request target: the first value of each name. */
export function queryOfTarget(target: string): Readonly<Record<string, string>> {
  const queryStart = target.indexOf('?');
  if (queryStart === -1) return NO_QUERY;
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(target.slice(queryStart + 1))) {
    if (!(key in query)) query[key] = value;
  }
  return query;
}

/** Splits a request target into path and first-value query map. */
export function parseRequestTarget(target: string): {
  path: string;
  query: Readonly<Record<string, string>>;
} {
  return { path: pathOfTarget(target), query: queryOfTarget(target) };
}

/**
 * Headers that only drive the WebSocket upgrade itself. A connection lives for hours after it;
 * keeping them would cost a few hundred bytes per connection for values nobody reads again.
 */
export const WEBSOCKET_UPGRADE_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
]);

/** The request's headers without `omit` (the same object when nothing is left out). */
function keptHeaders(
  headers: IncomingMessage['headers'],
  omit: ReadonlySet<string> | undefined,
): HandshakeRequest['headers'] {
  if (!omit) return headers;
  const kept: Record<string, string | string[] | undefined> = {};
  for (const name of Object.keys(headers)) if (!omit.has(name)) kept[name] = headers[name];
  return kept;
}

/**
 * The peer address of a socket, without leaving Node's cached peer-name record on it: a
 * streaming socket lives for hours and would carry that object for nothing, since the address
 * is kept in the handshake request. A later `remoteAddress` read asks the OS again while the
 * socket is open.
 */
export function peerAddressOf(socket: Socket): string {
  const address = socket.remoteAddress ?? '';
  const cache = socket as unknown as { _peername?: unknown };
  if (cache._peername !== undefined) cache._peername = undefined;
  return address;
}

/**
 * A handshake request built from a Node request (nothing retains the socket). It keeps the
 * request target as the one string it arrived as: `path` and `query` are derived from `url` on
 * each read, since a connection lives for hours and handlers read them at the start, if at all.
 */
class IncomingHandshakeRequest implements HandshakeRequest {
  /** What a guard attached as the authenticated principal. */
  declare user?: unknown;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: HandshakeRequest['headers'],
    readonly params: Readonly<Record<string, string>>,
    readonly ip: string,
  ) {}

  get path(): string {
    return pathOfTarget(this.url);
  }

  /** Express's name for the target (what `httpAdapter.getRequestUrl()` reads). */
  get originalUrl(): string {
    return this.url;
  }

  get query(): Readonly<Record<string, string>> {
    return queryOfTarget(this.url);
  }

  /** Every field, the derived ones included (JSON has no getters of its own). */
  toJSON(): HandshakeRequest {
    const { method, url, path, headers, query, params, ip, user } = this;
    return { method, url, path, headers, query, params, ip, user };
  }
}

/**
 * The handshake request of a Node request. `omitHeaders` names headers to leave out (the
 * upgrade mechanics of a WebSocket handshake).
 */
export function handshakeRequestFromIncoming(
  req: IncomingMessage,
  params: Readonly<Record<string, string>>,
  omitHeaders?: ReadonlySet<string>,
): HandshakeRequest {
  return new IncomingHandshakeRequest(
    req.method ?? 'GET',
    req.url ?? '/',
    keptHeaders(req.headers, omitHeaders),
    params,
    peerAddressOf(req.socket),
  );
}

/** The first value of a header. */
export function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
