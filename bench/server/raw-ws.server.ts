import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BENCH_TOKEN } from '../bench-config.js';
import { hasToken, portOf, type BenchServer } from './bench-server.js';
import { textFrame } from './text-frame.js';

/**
 * Raw `ws` on `node:http`. `naive` broadcasts with `client.send(payload)` per client (ws frames
 * the message for every recipient); `frame-once` builds the frame once and writes those bytes
 * to every socket.
 */
export async function startRawWs(mode: 'naive' | 'frame-once'): Promise<BenchServer> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({
    server,
    perMessageDeflate: false,
    clientTracking: false,
    verifyClient: (info: { req: IncomingMessage }) =>
      !info.req.url?.startsWith('/guarded') || hasToken(info.req.url, BENCH_TOKEN),
  });
  const subscribers = new Set<WebSocket>();
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/echo') {
      ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
    } else if (path === '/fan') {
      subscribers.add(ws);
      ws.on('close', () => subscribers.delete(ws));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const broadcast =
    mode === 'naive'
      ? (payload: string) => {
          for (const ws of subscribers) ws.send(payload);
        }
      : (payload: string) => {
          const frame = textFrame(payload);
          for (const ws of subscribers) {
            (ws as unknown as { _socket: Socket })._socket.write(frame);
          }
        };
  return {
    port: portOf(server),
    broadcast,
    close: () =>
      new Promise<void>((resolve) => {
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
