import { MAX_OFFSET_LENGTH, parseOffset } from '../wire/room-offset.js';

/** One room a client asks to recover, from the offset of the last event it has. */
export interface RecoverTarget {
  readonly room: string;
  readonly offset: string;
}

/** A parsed recover request, or why it cannot be read. */
export type RecoverRequest =
  | { readonly ok: true; readonly targets: readonly RecoverTarget[] }
  | { readonly ok: false; readonly message: string };

/** Most rooms one recover request may name. */
export const MAX_RECOVER_ROOMS = 64;
/** Longest room name a recover request may name, in characters. */
export const MAX_RECOVER_ROOM_LENGTH = 256;

function fail(message: string): RecoverRequest {
  return { ok: false, message };
}

function check(pairs: readonly (readonly [string, unknown])[]): RecoverRequest {
  if (pairs.length === 0) return fail('names no room');
  if (pairs.length > MAX_RECOVER_ROOMS) return fail(`names more than ${MAX_RECOVER_ROOMS} rooms`);
  const targets: RecoverTarget[] = [];
  const seen = new Set<string>();
  for (const [room, offset] of pairs) {
    if (room.length === 0 || room.length > MAX_RECOVER_ROOM_LENGTH) {
      return fail(`has a room name of ${room.length} characters (1-${MAX_RECOVER_ROOM_LENGTH})`);
    }
    if (typeof offset !== 'string' || !parseOffset(offset)) {
      return fail(
        `has a bad offset for room ${JSON.stringify(room)}: expected "<epoch>:<seq>" of at most ${MAX_OFFSET_LENGTH} characters`,
      );
    }
    if (seen.has(room)) return fail(`names room ${JSON.stringify(room)} twice`);
    seen.add(room);
    targets.push({ room, offset });
  }
  return { ok: true, targets };
}

/**
 * Reads the `?recover=` query value: `<room>@<offset>` pairs separated by commas
 * (`lobby@k3Jx:41,news@k3Jx:7`). The last `@` of a pair separates room and offset.
 */
export function parseRecoverQuery(value: string): RecoverRequest {
  const pairs: [string, string][] = [];
  for (const part of value.split(',')) {
    if (part.length === 0) continue;
    const at = part.lastIndexOf('@');
    if (at < 0) return fail(`pair ${JSON.stringify(part.slice(0, 64))} lacks "@<offset>"`);
    pairs.push([part.slice(0, at), part.slice(at + 1)]);
  }
  return check(pairs);
}

/** Reads the data of a `$recover` event: an object of room → offset (`{ "lobby": "k3Jx:41" }`). */
export function parseRecoverData(data: unknown): RecoverRequest {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('data must be an object of room → offset');
  }
  return check(Object.entries(data));
}
