/** Longest delay a timer keeps (a longer one fires at once). */
export const MAX_TIMER_MS = 2_147_483_647;

/** When the client refreshes its token on an open connection (`$auth`). */
export interface TokenRefreshOptions {
  /**
   * How long before the token's `exp` to send the fresh one. Default 10 % of the time left,
   * at least 5 s, at most half of the time left.
   */
  leadMs?: number;
  /** Timeout of the `$auth` request. Default the client's request timeout. */
  timeoutMs?: number;
}

/**
 * The `exp` of a JWT in milliseconds since the epoch, read from its payload without verifying
 * it (the server verifies); undefined when the token is not a JWT or has no numeric `exp`.
 */
export function tokenExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds from `nowMs` until the refresh of a token expiring at `expiresAtMs` is due. */
export function refreshDelayMs(expiresAtMs: number, nowMs: number, leadMs?: number): number {
  const left = expiresAtMs - nowMs;
  if (left <= 0) return 0;
  const lead = leadMs ?? Math.min(Math.max(left * 0.1, 5_000), left / 2);
  return Math.max(0, Math.floor(left - lead));
}
