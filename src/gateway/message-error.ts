import { HttpException } from '@nestjs/common';
import { StreamingException } from '../errors/streaming.exception.js';
import { MessageErrorCode, type MessageError } from '../wire/envelope.js';

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: MessageErrorCode.Unauthorized,
  403: MessageErrorCode.Forbidden,
  404: 'NOT_FOUND',
  408: MessageErrorCode.Timeout,
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE',
  429: MessageErrorCode.RateLimited,
};

/**
 * The error code for an HTTP-like status (`UNAVAILABLE` for 503, `INTERNAL` for other 5xx,
 * `ERROR` for unknown ones).
 */
export function codeForStatus(status: number): string {
  if (status === 503) return MessageErrorCode.Unavailable;
  if (status >= 500) return MessageErrorCode.Internal;
  return CODE_BY_STATUS[status] ?? 'ERROR';
}

/** A `BAD_MESSAGE` error: the frame is not decodable or not an envelope. */
export function badMessage(message: string): MessageError {
  return { status: 400, code: MessageErrorCode.BadMessage, message };
}

/** An `UNKNOWN_EVENT` error: no handler for the event. */
export function unknownEvent(event: string): MessageError {
  return { status: 404, code: MessageErrorCode.UnknownEvent, message: `Unknown event "${event}"` };
}

/** The `INTERNAL` error: nothing of the cause reaches the wire. */
export const INTERNAL_ERROR: MessageError = {
  status: 500,
  code: MessageErrorCode.Internal,
  message: 'Internal server error',
};

/** Whether a status is a server-side failure whose cause stays off the wire (5xx but 503). */
function isInternal(status: number): boolean {
  return status >= 500 && status !== 503;
}

function fromHttpException(exception: HttpException): MessageError {
  const status = exception.getStatus();
  if (isInternal(status)) return INTERNAL_ERROR;
  const body = exception.getResponse();
  if (typeof body === 'string') return { status, code: codeForStatus(status), message: body };
  const record = body as Record<string, unknown>;
  const messages = record.message;
  if (status === 400 && Array.isArray(messages)) {
    return {
      status,
      code: MessageErrorCode.ValidationFailed,
      message: 'Validation failed',
      details: messages,
    };
  }
  const code = typeof record.code === 'string' ? record.code : codeForStatus(status);
  const message = typeof messages === 'string' ? messages : exception.message;
  return record.details === undefined
    ? { status, code, message }
    : { status, code, message, details: record.details };
}

/**
 * The default mapping of an error a handler (or a guard, pipe or interceptor) threw, when no
 * exception filter handled it: an `HttpException` keeps its status and body (`ValidationPipe`'s
 * messages become `details`), a `StreamingException` its status and message (a 503 is `UNAVAILABLE`, other 5xx
 * `INTERNAL`); anything else is `INTERNAL` (the caller logs it; no stack or message reaches the wire).
 */
export function toMessageError(error: unknown): { error: MessageError; internal: boolean } {
  if (error instanceof HttpException) {
    const mapped = fromHttpException(error);
    return { error: mapped, internal: mapped === INTERNAL_ERROR };
  }
  if (error instanceof StreamingException) {
    if (isInternal(error.status)) return { error: INTERNAL_ERROR, internal: true };
    return {
      error: { status: error.status, code: codeForStatus(error.status), message: error.message },
      internal: false,
    };
  }
  return { error: INTERNAL_ERROR, internal: true };
}

/** Whether an error is one the default mapping turns into its own status (not `INTERNAL`). */
export function isMappedException(error: unknown): boolean {
  return error instanceof HttpException || error instanceof StreamingException;
}
