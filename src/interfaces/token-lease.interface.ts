/** Context key (`conn.get(TOKEN_LEASE_KEY)`) of the token lease a JWT guard leaves on a connection. */
export const TOKEN_LEASE_KEY = '$tokenLease';

/** What a successful in-band token refresh (`$auth`) answers. */
export interface TokenRenewal {
  /** The new token's `exp` (seconds since the epoch), if it has one. */
  readonly exp: number | undefined;
}

/**
 * The token an open connection was accepted with, as the guard that verified it left it: the
 * reserved `$auth` event hands a fresh token to {@link renew}, which verifies it with the same
 * settings and subject, makes its payload `conn.user` and moves the expiry close.
 */
export interface TokenLease {
  /** The subject (`sub`) every renewal must keep. */
  readonly subject: string | undefined;
  /** When the connection's token expires (`exp`, seconds since the epoch), if it does. */
  readonly expiresAt: number | undefined;
  /**
   * Verifies `token` and, when valid and for the same subject, adopts it. Rejects with a 401
   * exception for a bad token and a 403 exception for another subject; the old token stays in
   * force then.
   */
  renew(token: unknown): Promise<TokenRenewal>;
}
