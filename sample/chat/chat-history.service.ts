import { Injectable } from '@nestjs/common';
import type { ChatMessage } from './chat-room.js';

/** Messages kept per room for `chat.history`. */
const KEPT_PER_ROOM = 50;

/**
 * The last messages of each room, in this process (for `chat.history`; missed events after a
 * reconnect are the library's recovery, not this).
 */
@Injectable()
export class ChatHistory {
  private readonly rooms = new Map<string, ChatMessage[]>();

  add(message: ChatMessage): void {
    const list = this.rooms.get(message.room) ?? [];
    list.push(message);
    if (list.length > KEPT_PER_ROOM) list.shift();
    this.rooms.set(message.room, list);
  }

  /** The last `limit` messages of `room`, oldest first. */
  last(room: string, limit: number): ChatMessage[] {
    return (this.rooms.get(room) ?? []).slice(-limit);
  }
}
