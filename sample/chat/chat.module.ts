import { Module } from '@nestjs/common';
import { AsyncApiController } from './async-api.controller.js';
import { ChatPresenceController } from './chat-presence.controller.js';
import { ChatRoomGuard } from './chat-room.guard.js';
import { ChatController } from './chat.controller.js';
import { ChatHistory } from './chat-history.service.js';
import { ChatRoomsGateway } from './chat-rooms.gateway.js';

/**
 * Chat rooms over WebSocket: the raw route WS `/ws/chat/:room`, the event gateway WS
 * `/ws/rooms/:room`, `GET /chat/:room/presence` and `GET /asyncapi.json`.
 */
@Module({
  controllers: [ChatController, ChatPresenceController, AsyncApiController],
  providers: [ChatRoomGuard, ChatHistory, ChatRoomsGateway],
})
export class ChatModule {}
