import type { IncomingMessage } from 'node:http';
import type { HandshakeRequest } from '../interfaces/connection.interface.js';

function safeDecodeUri(value: string): string {
  try {
    return decodeURI(value);
  } catch {
    return value;
  }
}

/** Splits a request target into path and first-value query map. */
export function parseRequestTarget(target: string): {
  path: string;
  query: Record<string, string>;
} {
  const queryStart = target.indexOf('?');
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
  const query: Record<string, string> = {};
  if (queryStart !== -1) {
    for (const [key, value] of new URLSearchParams(target.slice(queryStart + 1))) {
      if (!(key in query)) query[key] = value;
    }
  }
  return { path: safeDecodeUri(rawPath), query };
}

/** A plain, compact handshake request built from a Node request (nothing retains the socket). */
export function handshakeRequestFromIncoming(
  req: IncomingMessage,
  params: Record<string, string>,
): HandshakeRequest {
  const url = req.url ?? '/';
  const { path, query } = parseRequestTarget(url);
  return {
    method: req.method ?? 'GET',
    url,
    path,
    headers: req.headers,
    query,
    params,
    ip: req.socket.remoteAddress ?? '',
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
