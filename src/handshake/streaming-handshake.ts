import type { BaseConnection } from '../connection/base.connection.js';
import type { StreamingProtocol } from '../interfaces/connection.interface.js';
import type { RouteDefinition } from './route-definition.js';

/**
 * The second argument of a streaming execution context: what guards and interceptors know of a
 * connection attempt. `connection` is set once the transport accepted it.
 */
export class StreamingHandshake {
  /** Values to copy into the connection's context (`conn.get(key)`). */
  readonly values = new Map<string, unknown>();
  /** The accepted connection (after the guards passed). */
  connection: BaseConnection | undefined;
  /** The error that ended the connection, if any (seen by the transport after filters ran). */
  failure: unknown;

  constructor(
    /** The protocol of the attempt. */
    readonly protocol: StreamingProtocol,
    /** The matched route. */
    readonly route: RouteDefinition,
    params: Readonly<Record<string, string>>,
    private acceptFn: ((handshake: StreamingHandshake) => Promise<BaseConnection>) | undefined,
  ) {
    for (const [key, value] of Object.entries(params)) this.values.set(key, value);
  }

  /** Stores a value the connection will expose through `conn.get(key)`. */
  set(key: string, value: unknown): void {
    this.values.set(key, value);
  }

  /** Completes the protocol handshake (called by the pipeline once guards passed). */
  async accept(): Promise<BaseConnection> {
    if (this.connection) return this.connection;
    const acceptFn = this.acceptFn;
    if (!acceptFn) throw new Error('The handshake was already accepted');
    // The accept step closes over the raw request and socket: drop it so that a long-lived
    // connection does not keep them reachable through its handshake.
    this.acceptFn = undefined;
    this.connection = await acceptFn(this);
    return this.connection;
  }
}
