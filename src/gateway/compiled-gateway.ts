import type { GatewayConnectionHandle } from './gateway-connection.js';
import type { CompiledMessageHandler } from './message-handler.compiler.js';

/** The limits of a gateway's connections, with their defaults applied. */
export interface GatewayLimits {
  readonly maxBadMessages: number;
  readonly badMessageWindowMs: number;
  readonly maxPendingReplies: number;
}

/** A gateway class with every handler compiled: what its connections dispatch to. */
export interface CompiledGateway {
  /** The class name, for log lines. */
  readonly name: string;
  readonly handlers: ReadonlyMap<string, CompiledMessageHandler>;
  readonly onConnect: readonly ((conn: GatewayConnectionHandle) => unknown)[];
  readonly onDisconnect: readonly ((conn: GatewayConnectionHandle) => unknown)[];
  readonly limits: GatewayLimits;
}
