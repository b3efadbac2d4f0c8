import { Module } from '@nestjs/common';
import { ChatPresenceController } from './chat-presence.controller.js';
import { ChatRoomGuard } from './chat-room.guard.js';
import { ChatController } from './chat.controller.js';

/** Chat rooms over WebSocket: WS `/ws/chat/:room`, `GET /chat/:room/presence`. */
@Module({ controllers: [ChatController, ChatPresenceController], providers: [ChatRoomGuard] })
export class ChatModule {}
