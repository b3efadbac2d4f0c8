import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** Raised at start-up for a malformed or duplicate streaming route. */
export class InvalidRouteError extends StreamingError {
  readonly code = StreamingErrorCode.InvalidRoute;

  constructor(message: string) {
    super(message);
  }
}
