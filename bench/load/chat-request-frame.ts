import type { WireDialect } from '../server/contenders.js';
import { CHAT_SEND_EVENT } from '../server/chat-request.js';

/**
 * The `chat.send` request frame of a gateway dialect, carrying request id `id` and `text`: the
 * library's envelope (`{ event, data, id }`), a Socket.IO event with an ack id (`42<id>[…]`), or
 * Nest's `{ event, data }` with the id inside the DTO. `undefined` for the plain echo dialects.
 */
export function chatRequestFrame(
  dialect: WireDialect,
  id: number,
  text: string,
): string | undefined {
  const dto = `{"room":"lobby","text":${JSON.stringify(text)}`;
  switch (dialect) {
    case 'forge-gateway':
      return `{"event":"${CHAT_SEND_EVENT}","data":${dto}},"id":${id}}`;
    case 'socket.io-ack':
      return `42${id}["${CHAT_SEND_EVENT}",${dto}}]`;
    case 'nest-chat':
      return `{"event":"${CHAT_SEND_EVENT}","data":${dto},"id":${id}}}`;
    default:
      return undefined;
  }
}
