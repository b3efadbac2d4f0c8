import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** Rejects `conn.emitWithAck(...)` when the client did not answer within the timeout. */
export class AckTimeoutError extends StreamingError {
  readonly code = StreamingErrorCode.AckTimeout;

  constructor(
    /** The event that went unanswered. */
    readonly event: string,
    /** The timeout, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`No answer to "${event}" within ${timeoutMs} ms`);
  }
}
