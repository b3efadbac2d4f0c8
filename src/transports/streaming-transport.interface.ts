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
 * One protocol's server side. The lifecycle starts every enabled transport at bootstrap; on
 * shutdown it drains them all in parallel, then stops them all, so that no transport stops
 * answering (503) while another is still draining.
 */
export interface StreamingTransport {
  readonly protocol: StreamingProtocol;
  /** Whether it accepts new connections now (started, listening, not draining). */
  readonly isAccepting: boolean;
  /** Starts accepting connections. */
  start(context: TransportStartContext): Promise<void>;
  /**
   * Stops accepting (new attempts get 503), closes open connections as "going away" and resolves
   * when they are gone or `deadline` (epoch ms) has passed (then the rest are terminated).
   */
  drain(deadline: number): Promise<void>;
  /** Releases what the transport holds (listeners, servers) once every transport has drained. */
  stop(): Promise<void>;
}
