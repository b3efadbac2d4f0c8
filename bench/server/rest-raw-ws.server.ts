import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { portOf, type BenchServer } from './bench-server.js';
import { serveBroadcastRequest } from './broadcast-request.js';
import { installWriteCounter } from './write-counter.js';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
const { Sender } = wsModule as unknown as {
  Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] };
};

/** One unmasked text frame holding `message`, built once. */
function textFrame(message: string): Buffer {
  const parts = Sender.frame(Buffer.from(message), {
    fin: true,
    rsv1: false,
    opcode: 1,
    mask: false,
    readOnly: false,
  });
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

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
    close: () =>
      new Promise<void>((resolve) => {
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
