import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { StreamingManager } from 'nestjs-forge-streaming';
import { isRoomName } from './chat-room.js';

/** Who is in a chat room. */
export interface RoomPresence {
  readonly room: string;
  /** Distinct user ids present, sorted. */
  readonly users: string[];
  /** Open connections in the room (a user may have several tabs). */
  readonly connections: number;
}

/** `GET /chat/:room/presence`: the members of a chat room (on every instance). */
@Controller('chat')
export class ChatPresenceController {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  @Get(':room/presence')
  async presence(@Param('room') room: string): Promise<RoomPresence> {
    if (!isRoomName(room)) throw new NotFoundException('No such room');
    const members = await this.manager.presence(room);
    const users = new Set<string>();
    for (const member of members) if (member.userId) users.add(member.userId);
    return { room, users: [...users].sort(), connections: members.length };
  }
}
