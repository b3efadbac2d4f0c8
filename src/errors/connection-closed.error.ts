import { IntrinsicException } from '@nestjs/common';
import type { CloseInfo } from '../interfaces/connection.interface.js';

/**
 * Raised by reads and writes on a connection that has closed. It is an expected outcome, not a
 * server fault: a handler may let it propagate to end quietly.
 */
export class ConnectionClosedError extends IntrinsicException {
  constructor(
    /** How the connection ended. */
    readonly info: CloseInfo,
  ) {
    super(`Connection closed (${info.code}${info.reason ? `: ${info.reason}` : ''})`);
    this.name = 'ConnectionClosedError';
  }
}
