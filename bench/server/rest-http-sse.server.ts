import { createServer, type ServerResponse } from 'node:http';
import { portOf, type BenchServer } from './bench-server.js';
import { serveBroadcastRequest } from './broadcast-request.js';
import { installWriteCounter } from './write-counter.js';

/**
 * Plain `node:http` SSE: `/events` subscribers, and `POST /broadcast {message}` that builds the
 * event once and `res.write`s it to every subscriber before answering 204.
 */
export async function startRestHttpSse(): Promise<BenchServer> {
  installWriteCounter();
  const subscribers = new Set<ServerResponse>();
  const send = (message: string): void => {
    const event = `data: ${message}\n\n`;
    for (const res of subscribers) res.write(event);
  };
  const server = createServer((req, res) => {
    if (req.url !== '/events') {
      serveBroadcastRequest(req, res, (request) => send(request.message));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(':ok\n\n');
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(server),
    broadcast: send,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
