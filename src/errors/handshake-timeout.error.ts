import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** The handshake (guards and the accept step) took longer than allowed; the client got 408. */
export class HandshakeTimeoutError extends StreamingError {
  readonly code = StreamingErrorCode.HandshakeTimeout;

  constructor(protocolName: string) {
    super(`The ${protocolName} handshake timed out`);
  }
}
