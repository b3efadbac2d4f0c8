import { Controller, Inject, UseGuards } from '@nestjs/common';
import {
  exceptConnection,
  inRoom,
  MessageType,
  StreamingJwtGuard,
  StreamingManager,
  WebSocketRoute,
  type WebSocketConnection,
} from 'nestjs-forge-streaming';
import { ChatRoomGuard } from './chat-room.guard.js';
import { CHAT_MESSAGE_RATE_LIMIT, MAX_CHAT_TEXT, type ChatMessage } from './chat-room.js';

/**
 * WS `/ws/chat/:room`: a JWT is required (`?access_token=`, Bearer or the `access_token`
 * subprotocol). Each text message goes to the other members of the room as JSON
 * `{ room, userId, text }`; the sender and other rooms do not receive it.
 */
@Controller('ws/chat')
export class ChatController {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  /** One chat member: joins the room, then relays its messages until it leaves. */
  @WebSocketRoute(':room', { messageRateLimit: CHAT_MESSAGE_RATE_LIMIT })
  @UseGuards(StreamingJwtGuard, ChatRoomGuard)
  async chat(conn: WebSocketConnection): Promise<void> {
    const room = conn.get<string>('room') ?? '';
    const userId = conn.userId ?? 'anonymous';
    conn.join(room);
    for await (const message of conn) {
      if (message.type !== MessageType.Text) continue;
      const text = (message.data as string).trim().slice(0, MAX_CHAT_TEXT);
      if (text.length === 0) continue;
      const chat: ChatMessage = { room, userId, text };
      await this.manager.broadcast(chat, inRoom(room), exceptConnection(conn.id));
    }
  }
}
