import { StreamingError, StreamingErrorCode } from '../../errors/streaming.error.js';

/** Raised by `RedisStreamingAdapter.init()` when Redis does not answer in time (and `degradedStart` is off). */
export class RedisUnavailableError extends StreamingError {
  readonly code = StreamingErrorCode.RedisUnavailable;

  constructor(
    /** Where the adapter tried to connect (credentials removed). */
    readonly target: string,
    /** How long it waited (ms). */
    readonly waitedMs: number,
    /** The last connection error, if any. */
    readonly lastError: string | undefined,
  ) {
    super(
      `Redis at ${target} did not answer within ${waitedMs} ms` +
        (lastError ? ` (${lastError})` : '') +
        '. Start Redis, fix the adapter URL, or set degradedStart: true to start without it.',
    );
  }
}
