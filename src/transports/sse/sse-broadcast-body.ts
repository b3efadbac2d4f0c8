import type { OutboundMessage } from '../../connection/outbound-message.js';
import { encodeSseBody, encodeSseChunk } from '../../wire/sse.codec.js';

interface EncodedBroadcast {
  /** `event:` + `data:` lines + blank line; undefined when the event name is invalid. */
  readonly body: string | undefined;
  /** Why the message cannot be encoded as an SSE event. */
  readonly error?: unknown;
  /** Last chunk built (`id:` line + body); most broadcasts reach one route, so one id. */
  lastId?: string;
  lastChunk?: string;
  /** Chunks for further ids (several SSE routes reached by one broadcast). */
  others?: Map<string, string>;
}

const cache = new WeakMap<OutboundMessage, EncodedBroadcast>();

function encoded(message: OutboundMessage): EncodedBroadcast {
  let entry = cache.get(message);
  if (!entry) {
    try {
      entry = { body: encodeSseBody(message.event, message.sseData()) };
    } catch (error) {
      entry = { body: undefined, error };
    }
    cache.set(message, entry);
  }
  return entry;
}

/**
 * The SSE body of a broadcast, built once per message (the event name is checked: a name with
 * CR, LF or NUL throws `SseFieldError`).
 */
export function broadcastBody(message: OutboundMessage): string {
  const entry = encoded(message);
  if (entry.body === undefined) throw entry.error;
  return entry.body;
}

/**
 * The chunk a broadcast writes to every SSE connection of the route that got `id`: built once
 * per (message, id) and shared by all recipients. Undefined when the event name is invalid.
 */
export function broadcastChunk(message: OutboundMessage, id: string): string | undefined {
  const entry = encoded(message);
  if (entry.body === undefined) return undefined;
  if (entry.lastId === id) return entry.lastChunk;
  const other = entry.others?.get(id);
  if (other !== undefined) return other;
  const chunk = encodeSseChunk(id, entry.body);
  if (entry.lastId === undefined) {
    entry.lastId = id;
    entry.lastChunk = chunk;
  } else {
    entry.others ??= new Map();
    entry.others.set(id, chunk);
  }
  return chunk;
}
