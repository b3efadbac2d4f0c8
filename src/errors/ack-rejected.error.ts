import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** The error a client answered `emitWithAck` with (`{id, error: {status, code, message}}`). */
export interface AckRejection {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** Rejects `conn.emitWithAck(...)` when the client answered with an error reply. */
export class AckRejectedError extends StreamingError {
  readonly code = StreamingErrorCode.AckRejected;

  constructor(
    /** The error the client sent. */
    readonly rejection: AckRejection,
  ) {
    super(`The client answered with ${rejection.code}: ${rejection.message}`);
  }
}
