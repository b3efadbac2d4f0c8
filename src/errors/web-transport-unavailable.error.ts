import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** The WebTransport server is not running (not enabled, not started yet, or stopped) or failed. */
export class WebTransportUnavailableError extends StreamingError {
  readonly code = StreamingErrorCode.WebTransportUnavailable;

  constructor(message: string) {
    super(message);
  }
}
