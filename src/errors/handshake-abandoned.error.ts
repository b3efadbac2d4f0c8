import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** The client went away before its handshake completed (nothing is left to answer). */
export class HandshakeAbandonedError extends StreamingError {
  readonly code = StreamingErrorCode.HandshakeAbandoned;

  constructor() {
    super('The client went away during the handshake');
  }
}
