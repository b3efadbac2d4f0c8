import type { BaseConnection } from '../connection/base.connection.js';
import type { HandshakeRequest, StreamingProtocol } from '../interfaces/connection.interface.js';
import type { AnyRouteOptions } from '../interfaces/route-options.interface.js';

/** What a route's pipeline needs of the connection attempt it runs for. */
export interface PipelineHandshake {
  /** Completes the protocol handshake (called once the guards passed). */
  accept(): Promise<BaseConnection>;
  /** The error that ended an accepted connection (the transport maps it to a close code). */
  failure: unknown;
}

/** Runs guards, interceptors, the accept step and the handler for one connection attempt. */
export type RouteInvoker = (
  request: HandshakeRequest,
  handshake: PipelineHandshake,
) => Promise<unknown>;

/** A route ready to serve: its pattern, options and compiled pipeline. */
export interface RouteDefinition {
  readonly protocol: StreamingProtocol;
  /** Full path pattern, controller prefix included (`/ws/chat/:room`). */
  readonly path: string;
  readonly options: AnyRouteOptions;
  /** Where it came from, for messages (`ChatController.chat` or `StreamingManager.webSocket`). */
  readonly source: string;
  /** The compiled pipeline. */
  readonly invoke: RouteInvoker;
}

/** A route matched against a request path. */
export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly params: Readonly<Record<string, string>>;
}
