import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { BENCH_TOKEN } from '../bench-config.js';
import { portOf, type BenchServer } from './bench-server.js';

/** Socket.IO 4, WebSocket transport only: echo event `e`, broadcast event `m`, token middleware. */
export async function startSocketIo(): Promise<BenchServer> {
  const server = createServer();
  const io = new Server(server, {
    transports: ['websocket'],
    serveClient: false,
    perMessageDeflate: false,
  });
  io.use((socket, next) => {
    if (socket.handshake.query.token === BENCH_TOKEN) next();
    else next(new Error('unauthorized'));
  });
  io.on('connection', (socket) => {
    socket.on('e', (message: unknown) => socket.emit('e', message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(server),
    broadcast: (payload) => void io.emit('m', payload),
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
