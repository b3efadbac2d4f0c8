import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** Raised at start-up for a configuration value that cannot work; names the field. */
export class InvalidConfigError extends StreamingError {
  readonly code = StreamingErrorCode.InvalidConfig;

  constructor(
    /** Dotted path of the offending field (`websocket.maxMessageSize`). */
    readonly field: string,
    problem: string,
  ) {
    super(`Invalid forge-streaming config: ${field} ${problem}`);
  }
}
