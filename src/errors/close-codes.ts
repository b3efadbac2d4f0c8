/** Close codes used by every transport (WebSocket numbering; SSE and WebTransport map onto them). */
export const CloseCode = {
  /** The purpose of the connection has been fulfilled. */
  Normal: 1000,
  /** The server is going away (shutdown) or the peer navigated away. */
  GoingAway: 1001,
  /** The peer broke the protocol. */
  ProtocolError: 1002,
  /** A data type the endpoint cannot accept. */
  UnsupportedData: 1003,
  /** A message's data was not consistent with its type (bad UTF-8). */
  InvalidPayload: 1007,
  /** A policy was violated (rate limit, slow consumer, origin). */
  PolicyViolation: 1008,
  /** A message was too big. */
  MessageTooBig: 1009,
  /** The server hit an unexpected condition (handler error). */
  InternalError: 1011,
  /** The server is overloaded; try again later. */
  TryAgainLater: 1013,
  /** The connection's access token expired (`StreamingJwtGuard` with `closeOnExpiry`). */
  TokenExpired: 4401,
} as const;

/** One of the {@link CloseCode} values, or an application code (4000–4999). */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode] | number;

/** How a connection ended. */
export interface CloseInfo {
  /** WebSocket-style close code (1000 normal, 1001 going away, 1008 policy, 1009 too big, 1011 error …). */
  readonly code: number;
  /** Human-readable reason (may be empty). */
  readonly reason: string;
  /** True when the server initiated the close. */
  readonly byServer: boolean;
}
