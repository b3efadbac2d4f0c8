import type {
  BroadcastEnvelope,
  ConnectionCommand,
  PresenceEvent,
} from '../../interfaces/streaming-adapter.interface.js';

/** A message between instances, as carried by Redis pub/sub. */
export type BusMessage =
  | { readonly kind: 'broadcast'; readonly origin: string; readonly envelope: BroadcastEnvelope }
  | { readonly kind: 'presence'; readonly origin: string; readonly event: PresenceEvent }
  | { readonly kind: 'command'; readonly origin: string; readonly command: ConnectionCommand }
  | { readonly kind: 'gap'; readonly origin: string };

const KIND_CODES = { broadcast: 'b', presence: 'p', command: 'c', gap: 'g' } as const;

/**
 * Encodes a bus message as `origin \n kind \n json`, so a receiver can skip its own messages
 * without parsing the payload.
 */
export function encodeBusMessage(message: BusMessage): string {
  let body = '';
  switch (message.kind) {
    case 'broadcast':
      body = JSON.stringify(message.envelope);
      break;
    case 'presence':
      body = JSON.stringify(message.event);
      break;
    case 'command':
      body = JSON.stringify(message.command);
      break;
    case 'gap':
      body = '{}';
      break;
  }
  return `${message.origin}\n${KIND_CODES[message.kind]}\n${body}`;
}

/** The origin of an encoded message (without parsing the rest). */
export function busMessageOrigin(raw: string): string {
  const end = raw.indexOf('\n');
  return end === -1 ? '' : raw.slice(0, end);
}

/** Decodes a bus message; undefined when it is malformed. */
export function decodeBusMessage(raw: string): BusMessage | undefined {
  const first = raw.indexOf('\n');
  const second = first === -1 ? -1 : raw.indexOf('\n', first + 1);
  if (second === -1) return undefined;
  const origin = raw.slice(0, first);
  const code = raw.slice(first + 1, second);
  let body: unknown;
  try {
    body = JSON.parse(raw.slice(second + 1));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  switch (code) {
    case 'b': {
      const envelope = body as BroadcastEnvelope;
      if (!Array.isArray(envelope.filters) || typeof envelope.message !== 'object')
        return undefined;
      return { kind: 'broadcast', origin, envelope };
    }
    case 'p':
      return { kind: 'presence', origin, event: body as PresenceEvent };
    case 'c':
      return { kind: 'command', origin, command: body as ConnectionCommand };
    case 'g':
      return { kind: 'gap', origin };
    default:
      return undefined;
  }
}
