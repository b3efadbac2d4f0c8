import { StreamingError, StreamingErrorCode } from './streaming.error.js';

/** Raised by `ctx.setHeader()` once the SSE response head has been written. */
export class SseHeadersSentError extends StreamingError {
  readonly code = StreamingErrorCode.SseHeadersSent;

  constructor(name: string) {
    super(`Cannot set header "${name}": the SSE response headers were already sent`);
  }
}
