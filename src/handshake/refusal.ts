import { HttpException } from '@nestjs/common';
import { CloseCode } from '../errors/close-codes.js';
import { ConnectionClosedError } from '../errors/connection-closed.error.js';
import { HandshakeAbandonedError } from '../errors/handshake-abandoned.error.js';
import { HandshakeTimeoutError } from '../errors/handshake-timeout.error.js';
import { StreamingException } from '../errors/streaming.exception.js';
import type { RejectionReason } from '../interfaces/streaming-stats.interface.js';

/** The JSON body of a refusal: Nest's `{ statusCode, message, error }`, or what a filter sent. */
export interface RefusalBody {
  readonly statusCode?: number;
  readonly message?: unknown;
  readonly error?: unknown;
  readonly [field: string]: unknown;
}

/** An HTTP refusal of a connection attempt. */
export interface HandshakeRefusal {
  readonly status: number;
  readonly body: RefusalBody;
  /** A text body instead of the JSON one (a filter sent a string). */
  readonly text?: string;
  readonly reason: RejectionReason;
  /** Headers to send with it (set by guards or filters, e.g. rate-limit headers). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The bytes of a refusal's body and their content type. */
export function refusalPayload(answer: HandshakeRefusal): { contentType: string; payload: string } {
  if (answer.text !== undefined) {
    return { contentType: 'text/plain; charset=utf-8', payload: answer.text };
  }
  return { contentType: 'application/json; charset=utf-8', payload: JSON.stringify(answer.body) };
}

/** The refusal with extra headers (the refusal's own win over `headers`). */
export function withHeaders(
  answer: HandshakeRefusal,
  headers: Readonly<Record<string, string>>,
): HandshakeRefusal {
  if (Object.keys(headers).length === 0) return answer;
  return { ...answer, headers: { ...headers, ...answer.headers } };
}

/**
 * The refusal an exception filter wrote through the handshake's response (`status` and a body),
 * or undefined when it wrote none. A filter that sent a body without a status answers 500.
 */
export function refusalFromWritten(written: {
  status: number | undefined;
  body: unknown;
}): HandshakeRefusal {
  const status = written.status !== undefined && written.status >= 400 ? written.status : 500;
  const { body } = written;
  if (typeof body === 'string') {
    return { status, body: {}, text: body, reason: reasonForStatus(status) };
  }
  const json =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as RefusalBody)
      : body === undefined
        ? { statusCode: status, message: statusText(status), error: statusText(status) }
        : { statusCode: status, message: body };
  return { status, body: json, reason: reasonForStatus(status) };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Standard reason phrase of a status. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Server Error' : 'Error');
}

function reasonForStatus(status: number): RejectionReason {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate';
  if (status === 503) return 'limit';
  if (status === 408) return 'timeout';
  if (status === 404) return 'not-found';
  return 'error';
}

/** Builds a refusal with a Nest-style JSON body. */
export function refusal(
  status: number,
  message: string,
  reason?: RejectionReason,
): HandshakeRefusal {
  return {
    status,
    body: { statusCode: status, message, error: statusText(status) },
    reason: reason ?? reasonForStatus(status),
  };
}

/** Maps an error raised before the handshake completed to an HTTP refusal. */
export function refusalFromError(error: unknown): HandshakeRefusal {
  if (error instanceof StreamingException) return refusal(error.status, error.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof response === 'object' && response !== null && 'message' in response
          ? String((response as { message: unknown }).message)
          : error.message;
    return refusal(status, message);
  }
  return refusal(500, 'Internal server error', 'error');
}

/** Maps an error raised after the connection opened to a close code and reason. */
export function closeFromError(error: unknown): { code: number; reason: string } {
  if (error instanceof StreamingException) return { code: error.code, reason: error.message };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 413) return { code: CloseCode.MessageTooBig, reason: error.message };
    if (status >= 400 && status < 500)
      return { code: CloseCode.PolicyViolation, reason: error.message };
    return { code: CloseCode.InternalError, reason: 'Internal server error' };
  }
  return { code: CloseCode.InternalError, reason: 'Internal server error' };
}

/** Whether an error is an expected refusal or policy outcome rather than a server fault. */
export function isExpectedError(error: unknown): boolean {
  if (
    error instanceof StreamingException ||
    error instanceof ConnectionClosedError ||
    error instanceof HandshakeAbandonedError ||
    error instanceof HandshakeTimeoutError
  ) {
    return true;
  }
  return error instanceof HttpException && error.getStatus() < 500;
}
