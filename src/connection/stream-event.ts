/**
 * A named event for broadcasts and sends: SSE clients receive it as `event: <name>`;
 * WebSocket and WebTransport clients receive `data` alone.
 */
export class StreamEvent<T = unknown> {
  constructor(
    /** SSE event name. */
    readonly event: string,
    /** The payload. */
    readonly data: T,
  ) {}
}
