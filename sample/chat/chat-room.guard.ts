import {
  BadRequestException,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { StreamingExecutionContext } from 'nestjs-forge-streaming';
import { isRoomName } from './chat-room.js';

/** Refuses (400, before the upgrade) a chat handshake whose `:room` is not a valid room name. */
@Injectable()
export class ChatRoomGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { params } = StreamingExecutionContext.getRequest(context);
    if (!isRoomName(params.room)) {
      throw new BadRequestException('Room names are 1 to 64 letters, digits, _ or -');
    }
    return true;
  }
}
