/** A room history position, `<epoch>:<seq>`, split. */
export interface RoomOffsetParts {
  readonly epoch: string;
  readonly seq: number;
}

/** Longest offset accepted from a client, in characters. */
export const MAX_OFFSET_LENGTH = 128;

/** Splits `<epoch>:<seq>`; undefined when malformed. */
export function parseOffset(offset: string): RoomOffsetParts | undefined {
  if (offset.length > MAX_OFFSET_LENGTH) return undefined;
  const colon = offset.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const digits = offset.slice(colon + 1);
  if (!/^\d{1,16}$/.test(digits)) return undefined;
  const seq = Number(digits);
  if (!Number.isSafeInteger(seq)) return undefined;
  return { epoch: offset.slice(0, colon), seq };
}

/**
 * Whether `offset` comes after `floor` in the same log (same epoch, higher seq). An offset of
 * another epoch counts as after: it belongs to a newer life of the log.
 */
export function isAfterOffset(offset: string | undefined, floor: string | undefined): boolean {
  if (offset === undefined || floor === undefined) return true;
  const a = parseOffset(offset);
  const b = parseOffset(floor);
  if (!a || !b || a.epoch !== b.epoch) return true;
  return a.seq > b.seq;
}
