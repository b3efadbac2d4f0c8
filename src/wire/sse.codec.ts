import { SseFieldError } from '../errors/sse-field.error.js';

/** Characters that may not appear in an SSE `id` or `event` field (they would inject fields). */
const FORBIDDEN_FIELD_CHARS = /[\r\n\0]/;

/** Any line break the SSE parser recognizes. */
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Name of the event a stream receives when the events it missed can no longer be replayed
 * (its `Last-Event-ID` is older than the route's history, or unknown), or when the cluster
 * backend reports that live events may have been missed. Data: JSON
 * `{ "reason": "history-gap" | "resubscribed" | "publish-lost", "lastEventId"?: string }`.
 */
export const SSE_RESET_EVENT = 'stream-reset';

/**
 * Name of the event written when a handler fails after the stream started; the stream then ends.
 * Data: JSON `{ "message": string }` (the message of an `HttpException`/`StreamingException`, else
 * `"Internal server error"`; never a stack or internal detail).
 */
export const SSE_ERROR_EVENT = 'error';

/** Checks an `id` or `event` value; throws {@link SseFieldError} on CR/LF/NUL. */
export function assertSseField(field: 'id' | 'event', value: string): void {
  if (FORBIDDEN_FIELD_CHARS.test(value)) throw new SseFieldError(field);
}

/** Checks a `retry` value (a non-negative integer number of milliseconds). */
export function assertSseRetry(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SseFieldError('retry', `must be a non-negative integer (got ${String(value)})`);
  }
}

/** Encodes a payload as `data:` lines (one per line of the payload; CRLF, CR and LF all split). */
export function encodeSseData(payload: string): string {
  if (payload.indexOf('\n') === -1 && payload.indexOf('\r') === -1) {
    return `data: ${payload}\n`;
  }
  let out = '';
  for (const line of payload.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out;
}

/** The text of an event payload: strings as is, bytes as base64, anything else JSON (once). */
export function ssePayloadText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return Buffer.from(data).toString('base64');
  const json = JSON.stringify(data);
  return json === undefined ? 'null' : json;
}

/**
 * The body of an event: the optional `event:` line, the `data:` lines and the terminating blank
 * line (what history stores; the `id:` line is added per delivery). Throws {@link SseFieldError}
 * when `event` contains CR, LF or NUL.
 */
export function encodeSseBody(event: string | undefined, dataLines: string): string {
  if (event === undefined || event === '') return `${dataLines}\n`;
  assertSseField('event', event);
  return `event: ${event}\n${dataLines}\n`;
}

/** A complete event chunk: `id:` line, optional `retry:` line, then the body. */
export function encodeSseChunk(id: string, body: string, retry?: number): string {
  return retry === undefined ? `id: ${id}\n${body}` : `id: ${id}\nretry: ${retry}\n${body}`;
}

/** A comment (one `: ` line per line of `text`), followed by a blank line. */
export function encodeSseComment(text: string): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += `: ${line}\n`;
  return `${out}\n`;
}
