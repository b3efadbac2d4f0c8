import { Controller } from '@nestjs/common';
import { WebSocketRoute, type WebSocketConnection } from 'nestjs-forge-streaming';

/** The greeting `/ws/echo` sends first. */
export const ECHO_WELCOME = 'Connected to WebSocket';

/** WS `/ws/echo`: greets, then echoes every message with its type (no per-message rate limit). */
@Controller('ws')
export class EchoController {
  /** Text stays text, binary stays binary. */
  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    await conn.send(ECHO_WELCOME);
    for await (const message of conn) {
      await conn.writeMessage(message.type, message.data);
    }
  }
}
