import { isAfterOffset } from '../wire/room-offset.js';

/** The offset of the newest event received in each room that keeps history. */
export class RoomPositions {
  private readonly offsets = new Map<string, string>();

  /**
   * Records an event's offset; false when it is not after the one held (a duplicate, which the
   * client drops).
   */
  accept(room: string, offset: string): boolean {
    if (!isAfterOffset(offset, this.offsets.get(room))) return false;
    this.offsets.set(room, offset);
    return true;
  }

  /** Forgets a room (after `recovered: false`, its next event starts a new position). */
  forget(room: string): void {
    this.offsets.delete(room);
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
