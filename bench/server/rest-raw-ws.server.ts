import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { portOf, type BenchServer } from './bench-server.js';
import { createBroadcastHost } from './rest-nest-host.js';
import { textFrame } from './text-frame.js';
import { installWriteCounter } from './write-counter.js';

/**
 * Raw `ws` subscribers on `/fan` behind the same Nest controller as the library's:
 * `POST /broadcast {message}` frames the message once and writes those bytes to every
 * subscriber's socket before answering 204.
 */
export async function startRestRawWs(): Promise<BenchServer> {
  installWriteCounter();
  const subscribers = new Set<WebSocket>();
  const send = (message: string): void => {
    const frame = textFrame(message);
    for (const ws of subscribers) (ws as unknown as { _socket: Socket })._socket.write(frame);
  };
  const app = await createBroadcastHost({ send });
  const server = app.getHttpServer() as Server;
  const wss = new WebSocketServer({
    server,
    path: '/fan',
    perMessageDeflate: false,
    clientTracking: false,
  });
  wss.on('connection', (ws: WebSocket) => {
    subscribers.add(ws);
    ws.on('close', () => subscribers.delete(ws));
  });
  await app.listen(0, '127.0.0.1');
  return {
    port: portOf(server),
    broadcast: send,
    close: async () => {
      for (const ws of subscribers) ws.terminate();
      wss.close();
      await app.close();
    },
  };
}
