import { Controller } from '@nestjs/common';
import { WebSocketRoute, type WebSocketConnection } from 'nestjs-forge-streaming';

/** The greeting `/ws/echo` sends first. */
export const ECHO_WELCOME = 'Connected to WebSocket';

/**
 * WS `/ws/echo`: greets, then echoes every message with its type (no per-message rate limit).
 * It uses the synchronous message path: the listener runs while the socket read is parsed and
 * the echoes of one read leave together, with no promise per message.
 */
@Controller('ws')
export class EchoController {
  /** Text stays text, binary stays binary. */
  @WebSocketRoute('echo')
  echo(conn: WebSocketConnection): void {
    void conn.send(ECHO_WELCOME);
    conn.onMessage((message) => {
      if (!conn.isClosed) void conn.writeMessage(message.type, message.data);
    });
  }
}
