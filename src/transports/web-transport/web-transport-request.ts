import { parseRequestTarget } from '../../handshake/handshake-request.js';
import type { HandshakeRequest, WebTransportKind } from '../../interfaces/connection.interface.js';

/** Which transport a library session request arrived on. */
export function kindOfProtocol(protocol: string): WebTransportKind {
  if (protocol === 'websocket' || protocol === 'websocketoverhttp1') return 'websocket';
  if (protocol.startsWith('http3')) return 'http3';
  return 'http2';
}

/** The address part of `address:port` (IPv6 addresses keep their colons). */
export function addressOfPeer(peer: string | undefined): string {
  if (!peer) return '';
  const colon = peer.lastIndexOf(':');
  const address = colon > 0 ? peer.slice(0, colon) : peer;
  return address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}

/**
 * Builds the `HandshakeRequest` of a session request: method CONNECT, path and query from
 * `:path`, ordinary headers (pseudo-headers dropped, `host` taken from `:authority` on HTTP/2).
 */
export function handshakeRequestFromSessionHeader(
  header: Readonly<Record<string, string | string[] | undefined>>,
  peerAddress: string | undefined,
  params: Record<string, string>,
): HandshakeRequest {
  const rawPath = header[':path'];
  const url = (Array.isArray(rawPath) ? rawPath[0] : rawPath) || '/';
  const { path, query } = parseRequestTarget(url);
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(header)) {
    if (!name.startsWith(':')) headers[name.toLowerCase()] = value;
  }
  const authority = header[':authority'];
  if (headers.host === undefined && authority !== undefined) {
    headers.host = Array.isArray(authority) ? authority[0] : authority;
  }
  return {
    method: 'CONNECT',
    url,
    path,
    headers,
    query,
    params,
    ip: addressOfPeer(peerAddress),
  };
}
