import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** Raised by `StreamingManager.getConnection` when no connection has that id. */
export class ConnectionNotFoundError extends StreamingError {
  readonly code = StreamingErrorCode.ConnectionNotFound;

  constructor(
    /** The id that was looked up. */
    readonly connectionId: string,
  ) {
    super(`No streaming connection with id "${connectionId}"`);
  }
}
