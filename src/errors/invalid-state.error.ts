import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/**
 * Raised when an object is used in a state that does not allow it: a handshake accepted twice,
 * `next()` called twice by a middleware, an adapter started twice.
 */
export class InvalidStateError extends StreamingError {
  readonly code = StreamingErrorCode.InvalidState;

  constructor(message: string) {
    super(message);
  }
}
