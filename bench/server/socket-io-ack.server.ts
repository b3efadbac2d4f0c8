import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { portOf, type BenchServer } from './bench-server.js';
import {
  CHAT_MESSAGE_EVENT,
  CHAT_SEND_EVENT,
  FAN_ROOM,
  replyTo,
  type BenchChatReply,
  type BenchChatSend,
} from './chat-request.js';

/**
 * Socket.IO 4, WebSocket transport only, as an event server: `chat.send` answered through its
 * acknowledgement callback, every client in one room, broadcasts with `io.to(room).emit`.
 */
export async function startSocketIoAck(): Promise<BenchServer> {
  const server = createServer();
  const io = new Server(server, {
    transports: ['websocket'],
    serveClient: false,
    perMessageDeflate: false,
  });
  io.on('connection', (socket) => {
    void socket.join(FAN_ROOM);
    socket.on(CHAT_SEND_EVENT, (body: BenchChatSend, ack?: (reply: BenchChatReply) => void) => {
      if (typeof ack === 'function') ack(replyTo(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(server),
    broadcast: (payload) => void io.to(FAN_ROOM).emit(CHAT_MESSAGE_EVENT, payload),
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
