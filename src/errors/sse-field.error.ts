import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** Raised when an SSE field value would break the stream's framing. */
export class SseFieldError extends StreamingError {
  readonly code = StreamingErrorCode.SseFieldInvalid;

  constructor(
    /** The field (`id`, `event` or `retry`). */
    readonly field: 'id' | 'event' | 'retry',
    problem = 'must not contain CR, LF or NUL',
  ) {
    super(`SSE ${field} ${problem}`);
  }
}
