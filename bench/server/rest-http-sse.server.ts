import { createServer, type ServerResponse } from 'node:http';
import { portOf, type BenchServer } from './bench-server.js';
import { serveBroadcastRequest } from './broadcast-request.js';
import { closeHttpServer } from './close-http-server.js';
import { acceptSseSubscriber } from './sse-subscriber.js';
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
    acceptSseSubscriber(res, subscribers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(server),
    broadcast: send,
    close: () => closeHttpServer(server),
  };
}
