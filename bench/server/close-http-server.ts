import type { Server } from 'node:http';

/** Closes every connection of a `node:http` server and stops it listening. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
