import { IntrinsicException } from '@nestjs/common';
import { CloseCode } from './close-codes.js';

/**
 * Throw from a guard, interceptor, middleware or handler to choose how the connection ends:
 * before the handshake completes it becomes the HTTP `status`; afterwards the close `code`.
 */
export class StreamingException extends IntrinsicException {
  constructor(
    message: string,
    /** Close code used once the connection is open. */
    readonly code: number = CloseCode.PolicyViolation,
    /** HTTP status used when the handshake is refused. */
    readonly status: number = 403,
  ) {
    super(message);
    this.name = 'StreamingException';
  }
}
