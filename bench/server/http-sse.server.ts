import { createServer, type ServerResponse } from 'node:http';
import { portOf, type BenchServer } from './bench-server.js';
import { acceptSseSubscriber } from './sse-subscriber.js';

/** Plain `node:http` SSE: one string per event written with `res.write` to every subscriber. */
export async function startHttpSse(): Promise<BenchServer> {
  const subscribers = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (req.url !== '/events') {
      res.writeHead(404).end();
      return;
    }
    acceptSseSubscriber(res, subscribers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(server),
    broadcast: (payload) => {
      const event = `data: ${payload}\n\n`;
      for (const res of subscribers) res.write(event);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
