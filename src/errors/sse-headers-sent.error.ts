/** Raised by `ctx.setHeader()` once the SSE response head has been written. */
export class SseHeadersSentError extends Error {
  constructor(name: string) {
    super(`Cannot set header "${name}": the SSE response headers were already sent`);
    this.name = 'SseHeadersSentError';
  }
}
