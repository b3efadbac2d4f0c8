import type { CloseInfo } from './close-codes.js';
import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/**
 * Raised by reads and writes on a connection that has closed. It is an expected outcome, not a
 * server fault: a handler may let it propagate to end quietly.
 */
export class ConnectionClosedError extends StreamingError {
  readonly code = StreamingErrorCode.ConnectionClosed;

  constructor(
    /** How the connection ended. */
    readonly info: CloseInfo,
  ) {
    super(`Connection closed (${info.code}${info.reason ? `: ${info.reason}` : ''})`);
  }
}
