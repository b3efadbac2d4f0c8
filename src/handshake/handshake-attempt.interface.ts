import type { BaseConnection } from '../connection/base.connection.js';
import type { HandshakeRequest, StreamingProtocol } from '../interfaces/connection.interface.js';
import type { OriginCheck } from '../interfaces/streaming-config.interface.js';
import type { HandshakeRefusal } from './refusal.js';
import type { RouteMatch } from './route-definition.js';

/** How a transport answers a connection attempt it will not accept. */
export interface HandshakeResponder {
  /** Writes the refusal (status and JSON body) if the client can still receive it. */
  refuse(answer: HandshakeRefusal): void;
}

/** One connection attempt, as a transport hands it to the handshake. */
export interface HandshakeAttempt<C extends BaseConnection> {
  readonly protocol: StreamingProtocol;
  readonly match: RouteMatch;
  readonly request: HandshakeRequest;
  /** The `Origin` and `Host` headers. */
  readonly origin: string | undefined;
  readonly host: string | undefined;
  /** The protocol's settings; route options override them. */
  readonly settings: { readonly checkOrigin: OriginCheck; readonly maxConnections: number };
  /** Longest the guards and the accept step may take (408 after); none when undefined. */
  readonly timeoutMs?: number;
  readonly responder: HandshakeResponder;
  /** Completes the protocol handshake once the guards passed, with the context values. */
  accept(values: Map<string, unknown>): Promise<C>;
  /** Ends an accepted connection after a failure; default `close(code, reason)`. */
  fail?(conn: C, code: number, reason: string): void;
}
