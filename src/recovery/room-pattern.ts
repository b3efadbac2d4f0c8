/** A compiled room name pattern: an exact name, or one with `*` wildcards (`chat:*`). */
export interface RoomPattern {
  /** The pattern as written. */
  readonly source: string;
  /** How specific the pattern is: exact names first, then more literal characters first. */
  readonly rank: number;
  /** Whether `room` matches. */
  matches(room: string): boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles a room pattern, where `*` stands for any run of characters (possibly empty). */
export function compileRoomPattern(source: string): RoomPattern {
  if (!source.includes('*')) {
    return { source, rank: Number.MAX_SAFE_INTEGER, matches: (room) => room === source };
  }
  const expression = new RegExp(`^${source.split('*').map(escapeRegExp).join('.*')}$`, 's');
  return {
    source,
    rank: source.replace(/\*/g, '').length,
    matches: (room) => expression.test(room),
  };
}
