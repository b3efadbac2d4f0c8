/**
 * Subprotocol names that only mark a token carried in the next `Sec-WebSocket-Protocol` value
 * (`new WebSocket(url, ['access_token', token])`). The server selects the marker, never the token.
 */
export const TOKEN_CARRIER_PROTOCOLS: readonly string[] = ['access_token', 'bearer'];

/**
 * Picks the subprotocol to answer with: the first the client offered that the route accepts,
 * else a token-carrier marker, else none.
 */
export function selectSubprotocol(
  offered: Set<string>,
  accepted: readonly string[] | undefined,
): string | false {
  if (accepted) {
    for (const protocol of offered) if (accepted.includes(protocol)) return protocol;
  }
  for (const protocol of offered)
    if (TOKEN_CARRIER_PROTOCOLS.includes(protocol.toLowerCase())) return protocol;
  return false;
}

/** The token a client sent after a token-carrier marker in `Sec-WebSocket-Protocol`, if any. */
export function tokenFromSubprotocols(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const values = header.split(',').map((value) => value.trim());
  for (let i = 0; i < values.length - 1; i += 1) {
    if (TOKEN_CARRIER_PROTOCOLS.includes(values[i].toLowerCase())) return values[i + 1];
  }
  return undefined;
}
