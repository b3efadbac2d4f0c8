import { StreamEvent } from '../../connection/stream-event.js';
import type { SseEvent } from '../../interfaces/connection.interface.js';

const SSE_EVENT_KEYS = new Set(['event', 'data', 'id', 'retry']);

/** Whether a value emitted by a handler's Observable is an {@link SseEvent} object. */
export function isSseEvent(value: unknown): value is SseEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (value instanceof Uint8Array || !Object.prototype.hasOwnProperty.call(value, 'data')) {
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!SSE_EVENT_KEYS.has(key)) return false;
  return (
    (record.event === undefined || typeof record.event === 'string') &&
    (record.id === undefined || typeof record.id === 'string') &&
    (record.retry === undefined || typeof record.retry === 'number')
  );
}

/**
 * The event an Observable emission stands for: an {@link SseEvent} object as is, a
 * {@link StreamEvent} as a named event, any other value as the `data` of a default event.
 */
export function toSseEvent(value: unknown): SseEvent {
  if (value instanceof StreamEvent) return { event: value.event, data: value.data };
  if (isSseEvent(value)) return value;
  return { data: value };
}
