import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { portOf, type BenchServer } from './bench-server.js';
import { serveBroadcastRequest } from './broadcast-request.js';
import { closeHttpServer } from './close-http-server.js';
import { textFrame } from './text-frame.js';
import { installWriteCounter } from './write-counter.js';

/**
 * Raw `node:http` + `ws`: `/fan` subscribers, and `POST /broadcast {message}` that frames the
 * message once and writes those bytes to every subscriber's socket before answering 204.
 */
export async function startRestRawWs(): Promise<BenchServer> {
  installWriteCounter();
  const subscribers = new Set<WebSocket>();
  const send = (message: string): void => {
    const frame = textFrame(message);
    for (const ws of subscribers) (ws as unknown as { _socket: Socket })._socket.write(frame);
  };
  const server = createServer((req, res) =>
    serveBroadcastRequest(req, res, (request) => send(request.message)),
  );
  const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
  wss.on('connection', (ws: WebSocket, req) => {
    if ((req.url ?? '/').split('?')[0] !== '/fan') return;
    subscribers.add(ws);
    ws.on('close', () => subscribers.delete(ws));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(server),
    broadcast: send,
    close: () => {
      wss.close();
      return closeHttpServer(server);
    },
  };
}
