import { StreamingError, StreamingErrorCode } from '../../errors/streaming.error.js';

/**
 * Raised by `NatsStreamingAdapter.init()` when NATS does not answer in time, or answers without
 * JetStream (the registry, presence and history need it).
 */
export class NatsUnavailableError extends StreamingError {
  readonly code = StreamingErrorCode.NatsUnavailable;

  constructor(
    /** The servers the adapter tried. */
    readonly servers: readonly string[],
    /** What went wrong. */
    readonly problem: string,
  ) {
    super(
      `NATS at ${servers.join(', ')}: ${problem}. Start nats-server with JetStream (-js) or fix the adapter's servers.`,
    );
  }
}
