// README: "Connection management and chat rooms"
import { Controller, Injectable, UseGuards } from '@nestjs/common';
import {
  StreamingJwtGuard,
  StreamingManager,
  WebSocketRoute,
  exceptConnection,
  inRoom,
  type WebSocketConnection,
} from 'nestjs-forge-streaming';

@Controller('ws/chat')
export class ChatController {
  constructor(private readonly streaming: StreamingManager) {}

  @UseGuards(StreamingJwtGuard)
  @WebSocketRoute(':room', { messageRateLimit: { messages: 20, windowMs: 10_000 } })
  async chat(conn: WebSocketConnection): Promise<void> {
    const room = conn.get<string>('room')!; // route param
    conn.join(room); // left automatically when the connection closes
    for await (const message of conn) {
      // Serialized and framed once, written to every other member of the room.
      await this.streaming.broadcast(
        { room, userId: conn.userId, text: String(message.data) },
        inRoom(room),
        exceptConnection(conn.id),
      );
    }
  }
}

@Injectable()
export class Moderation {
  constructor(private readonly streaming: StreamingManager) {}

  /** Who is in a room (on every instance, with a cluster adapter). */
  members(room: string) {
    return this.streaming.presence(room);
  }

  /** Announce to a room, kick a connection. */
  async announce(room: string, text: string): Promise<void> {
    await this.streaming.to(room).broadcast({ room, userId: 'system', text });
  }

  kick(connectionId: string): Promise<boolean> {
    return this.streaming.disconnect(connectionId, 4001, 'kicked');
  }
}
