/** Chat room names: 1–64 letters, digits, `_` or `-`. */
export const ROOM_NAME = /^[\p{L}\p{N}_-]{1,64}$/u;

/** Longest chat message kept, in characters (longer ones are cut). */
export const MAX_CHAT_TEXT = 2000;

/** Inbound message-rate limit of a chat connection; exceeding it closes it with 1008. */
export const CHAT_MESSAGE_RATE_LIMIT = { messages: 10, windowMs: 1000 } as const;

/** What the other members of a room receive for each chat message. */
export interface ChatMessage {
  readonly room: string;
  readonly userId: string;
  readonly text: string;
}

/** Whether `room` is a valid room name. */
export function isRoomName(room: unknown): room is string {
  return typeof room === 'string' && ROOM_NAME.test(room);
}
