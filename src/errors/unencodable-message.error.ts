import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/**
 * A gateway envelope whose payload its codec refused (a cyclic object; a `BigInt` in JSON; a
 * `Symbol` or a `BigInt` beyond 64 bits in MessagePack). Thrown by `conn.emit`, rejects
 * `conn.emitWithAck` and `manager.emit` / `manager.to(room).emit`; nothing was sent and no
 * connection is closed because of it. The codec's own error is the `cause`.
 */
export class UnencodableMessageError extends StreamingError {
  readonly code = StreamingErrorCode.UnencodableMessage;

  constructor(
    /** What was being encoded: `event "chat.message"`, `reply 7`. */
    readonly what: string,
    /** The codec that refused it (`forge.v1.json`, `forge.v1.msgpack`; `json` for SSE data). */
    readonly codec: string,
    cause: unknown,
  ) {
    super(
      `The ${codec} codec cannot encode the payload of ${what}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
    );
    this.cause = cause;
  }
}
