import { Inject, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import {
  Conn,
  exceptConnection,
  inRoom,
  MessageBody,
  OnConnect,
  OnDisconnect,
  OnMessage,
  Param,
  StreamingGateway,
  StreamingJwtGuard,
  StreamingManager,
  type GatewayConnection,
  type WithReply,
} from 'nestjs-forge-streaming';
import { ChatHistory } from './chat-history.service.js';
import { ChatRoomGuard } from './chat-room.guard.js';
import { CHAT_MESSAGE_RATE_LIMIT, type ChatMessage } from './chat-room.js';
import { ChatHistoryDto, ChatMessageDto, ChatSendDto, UserEventDto } from './chat-send.dto.js';

/** What clients send to `/ws/rooms/:room`. */
export interface ChatClientEvents {
  'chat.send': WithReply<ChatSendDto, { offset?: string }>;
  'chat.typing': Record<string, never>;
  'chat.history': WithReply<ChatHistoryDto, ChatMessage[]>;
}

/** What `/ws/rooms/:room` sends. */
export interface ChatServerEvents {
  'chat.message': ChatMessage;
  'chat.typing': { userId: string };
  'presence.join': { userId: string };
  'presence.leave': { userId: string };
}

type ChatConnection = GatewayConnection<ChatServerEvents>;

function userOf(conn: ChatConnection): string {
  return conn.userId ?? 'anonymous';
}

/**
 * The chat as an event gateway: WS `/ws/rooms/:room`, JWT required (checked with the room name
 * at the handshake). `chat.send` is validated by the global `ValidationPipe` against
 * {@link ChatSendDto} and goes to the other members as `chat.message` (its reply carries the
 * offset; an `UNAVAILABLE` error when the room's history could not keep it, so an acknowledged
 * message is always recoverable); `chat.typing` goes to the
 * others, kept nowhere; `chat.history` replies with the room's last messages; joins and leaves
 * reach the others as `presence.join` / `presence.leave`.
 */
@StreamingGateway('/ws/rooms/:room', {
  messageRateLimit: CHAT_MESSAGE_RATE_LIMIT,
  emits: {
    'chat.message': ChatMessageDto,
    'chat.typing': UserEventDto,
    'presence.join': UserEventDto,
    'presence.leave': UserEventDto,
  },
})
@UseGuards(StreamingJwtGuard, ChatRoomGuard)
export class ChatRoomsGateway {
  constructor(
    @Inject(StreamingManager) private readonly manager: StreamingManager,
    @Inject(ChatHistory) private readonly history: ChatHistory,
  ) {}

  @OnConnect()
  async joined(@Conn() conn: ChatConnection, @Param('room') room: string): Promise<void> {
    conn.join(room);
    await this.manager.emit(
      'presence.join',
      { userId: userOf(conn) },
      inRoom(room),
      exceptConnection(conn.id),
    );
  }

  @OnDisconnect()
  async left(@Conn() conn: ChatConnection, @Param('room') room: string): Promise<void> {
    await this.manager.emit('presence.leave', { userId: userOf(conn) }, inRoom(room));
  }

  @OnMessage('chat.send')
  async send(
    @MessageBody() body: ChatSendDto,
    @Conn() conn: ChatConnection,
    @Param('room') room: string,
  ): Promise<{ offset?: string }> {
    const message: ChatMessage = { room, userId: userOf(conn), text: body.text };
    const result = await this.manager
      .to(room)
      .emit('chat.message', message, exceptConnection(conn.id));
    if (result.stored === false) {
      throw new ServiceUnavailableException('The room history is unavailable; send it again later');
    }
    this.history.add(message);
    return result.offset === undefined ? {} : { offset: result.offset };
  }

  @OnMessage('chat.typing')
  typing(@Conn() conn: ChatConnection, @Param('room') room: string): void {
    void this.manager.emit(
      'chat.typing',
      { userId: userOf(conn) },
      inRoom(room),
      exceptConnection(conn.id),
    );
  }

  @OnMessage('chat.history')
  recent(@MessageBody() body: ChatHistoryDto, @Param('room') room: string): ChatMessage[] {
    return this.history.last(room, body?.limit ?? 20);
  }
}
