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

/** Splits a request target into path and first-value query map. */
export function parseRequestTarget(target: string): {
  path: string;
  query: Readonly<Record<string, string>>;
} {
  const queryStart = target.indexOf('?');
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
  if (queryStart === -1) return { path: safeDecodeUri(rawPath), query: NO_QUERY };
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(target.slice(queryStart + 1))) {
    if (!(key in query)) query[key] = value;
  }
  return { path: safeDecodeUri(rawPath), query };
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
 * A plain, compact handshake request built from a Node request (nothing retains the socket).
 * `omitHeaders` names headers to leave out (the upgrade mechanics of a WebSocket handshake).
 */
export function handshakeRequestFromIncoming(
  req: IncomingMessage,
  params: Readonly<Record<string, string>>,
  omitHeaders?: ReadonlySet<string>,
): HandshakeRequest {
  const url = req.url ?? '/';
  const { path, query } = parseRequestTarget(url);
  return {
    method: req.method ?? 'GET',
    url,
    path,
    headers: keptHeaders(req.headers, omitHeaders),
    query,
    params,
    ip: peerAddressOf(req.socket),
  };
}

/** The first value of a header. */
export function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
