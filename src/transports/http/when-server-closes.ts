import type { Server } from 'node:http';

/**
 * Runs `release` once the HTTP server has closed (every connection ended), or at once when it is
 * not listening. A transport keeps its listeners until then, so a request or upgrade that arrives
 * after the transport stopped (a client reconnecting while the application shuts down) is still
 * answered with 503 instead of reaching a listener that never answers.
 */
export function whenServerCloses(server: Server | undefined, release: () => void): void {
  if (!server?.listening) {
    release();
    return;
  }
  server.once('close', release);
}
