/** What a client does after its connection attempt or connection ended. */
export type AfterRefusal = 'stop' | 'refresh-and-retry' | 'reconnect';

/**
 * The reconnect rule shared by the WebSocket and SSE clients: a 4xx refusal stops reconnecting,
 * except a first 401/403 when a `getToken()` can fetch a fresh token (one more attempt); anything
 * else (a network error, a 5xx, a close) reconnects with backoff.
 */
export function afterRefusal(
  status: number | undefined,
  authRetried: boolean,
  canFetchToken: boolean,
): AfterRefusal {
  if (status === undefined || status < 400 || status >= 500) return 'reconnect';
  const auth = status === 401 || status === 403;
  return auth && !authRetried && canFetchToken ? 'refresh-and-retry' : 'stop';
}
