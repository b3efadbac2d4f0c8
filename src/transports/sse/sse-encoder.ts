/** Characters that may not appear in an SSE `id` or `event` field (they would inject fields). */
const FORBIDDEN_FIELD_CHARS = /[\r\n\0]/;

/** Raised when an SSE field value would break the stream's framing. */
export class SseFieldError extends Error {
  constructor(field: string) {
    super(`SSE ${field} must not contain CR, LF or NUL`);
    this.name = 'SseFieldError';
  }
}

/** Checks an `id` or `event` value; throws {@link SseFieldError} on CR/LF/NUL. */
export function assertSseField(field: 'id' | 'event', value: string): void {
  if (FORBIDDEN_FIELD_CHARS.test(value)) throw new SseFieldError(field);
}

/** Encodes a payload as `data:` lines (one per line of the payload; CRLF, CR and LF all split). */
export function encodeSseData(payload: string): string {
  if (payload.indexOf('\n') === -1 && payload.indexOf('\r') === -1) {
    return `data: ${payload}\n`;
  }
  let out = '';
  for (const line of payload.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out;
}
