/**
 * The request/reply of the gateway benchmark, the same on every contender: a `chat.send`-like
 * event whose small DTO names a room and carries a text; the handler answers `{ ok, text }`.
 */
export interface BenchChatSend {
  readonly room: string;
  readonly text: string;
}

/** The reply every contender's `chat.send` handler returns. */
export interface BenchChatReply {
  readonly ok: true;
  readonly text: string;
}

/** The event name clients send. */
export const CHAT_SEND_EVENT = 'chat.send';

/** The event name of the room broadcast. */
export const CHAT_MESSAGE_EVENT = 'chat.message';

/** The room every broadcast subscriber joins. */
export const FAN_ROOM = 'fan';

/** What the handler answers (reads the DTO, no echo of the raw frame). */
export function replyTo(body: BenchChatSend): BenchChatReply {
  return { ok: true, text: body.text };
}
