import type { StreamingConnection } from './connection.interface.js';

/** Calls the rest of the chain (inner middleware, then the handler). */
export type StreamingNext = () => Promise<void>;

/**
 * Functional streaming middleware: sees the accepted connection (`conn.protocol`, `conn.remoteAddr`)
 * and can refuse it (close it or throw), wrap the handler (code before and after `await next()`),
 * or pass through.
 */
export type StreamingMiddleware = (conn: StreamingConnection, next: StreamingNext) => Promise<void>;
