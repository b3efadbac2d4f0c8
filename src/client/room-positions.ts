import { isAfterOffset } from '../wire/room-offset.js';

/** Offsets remembered per room to recognise a duplicate that arrives out of order. */
const SEEN_PER_ROOM = 1024;

/**
 * The offset of the newest event received in each room that keeps history, and the offsets seen
 * lately. Offsets are stamped in one order but events reach a client in another when they come
 * from several instances (an event stamped earlier on another instance travels through the
 * adapter, one stamped later here is delivered at once), so an offset below the newest one is
 * not a duplicate unless it was seen.
 */
export class RoomPositions {
  private readonly offsets = new Map<string, string>();
  private readonly seen = new Map<string, Set<string>>();

  /** Records an event's offset; false when it was already received (a duplicate, dropped). */
  accept(room: string, offset: string): boolean {
    let seen = this.seen.get(room);
    if (seen?.has(offset)) return false;
    if (!seen) this.seen.set(room, (seen = new Set()));
    seen.add(offset);
    if (seen.size > SEEN_PER_ROOM) seen.delete(seen.values().next().value as string);
    if (isAfterOffset(offset, this.offsets.get(room))) this.offsets.set(room, offset);
    return true;
  }

  /** Forgets a room (after `recovered: false`, its next event starts a new position). */
  forget(room: string): void {
    this.offsets.delete(room);
    this.seen.delete(room);
  }

  /** The `?recover=` value naming every room with its offset ('' when none). */
  recoverQuery(): string {
    return [...this.offsets].map(([room, offset]) => `${room}@${offset}`).join(',');
  }

  /** Room → offset. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.offsets);
  }
}
