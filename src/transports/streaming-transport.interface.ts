import type { Server } from 'node:http';
import type { StreamingProtocol } from '../interfaces/connection.interface.js';

/** What a transport gets when the application starts. */
export interface TransportStartContext {
  /** The Nest HTTP server (Express or Fastify), when the app has one. */
  readonly httpServer: Server | undefined;
  /** `'express'`, `'fastify'` or another adapter type, when the app has one. */
  readonly httpAdapterType: string | undefined;
}

/**
 * One protocol's server side. The lifecycle service starts every enabled transport at bootstrap
 * and shuts them down, in parallel, on application shutdown.
 */
export interface StreamingTransport {
  readonly protocol: StreamingProtocol;
  /** Starts accepting connections. */
  start(context: TransportStartContext): Promise<void>;
  /**
   * Stops accepting, closes open connections as "going away" and resolves when they are gone
   * or `deadline` (epoch ms) has passed (then the rest are terminated).
   */
  shutdown(deadline: number): Promise<void>;
}
