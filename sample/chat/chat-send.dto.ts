import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** `chat.send`: one chat message, 1 to 500 characters. */
export class ChatSendDto {
  @IsString()
  @Length(1, 500)
  text!: string;
}

/** `chat.history`: how many of the room's last messages to reply with (1–50, default 20). */
export class ChatHistoryDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

/** `chat.message` (server → client), documented in the AsyncAPI document. */
export class ChatMessageDto {
  @IsString()
  room!: string;

  @IsString()
  userId!: string;

  @IsString()
  text!: string;
}

/** `chat.typing`, `presence.join`, `presence.leave` (server → client). */
export class UserEventDto {
  @IsString()
  userId!: string;
}
