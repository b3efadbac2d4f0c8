import type { EventEnvelope } from '../wire/envelope.js';

/** Most events held for one connection while its rooms recover; past it the oldest go. */
const MAX_HELD_EVENTS = 4096;

/** Compares two offsets `<epoch>:<seq>` of one room: true when `offset` comes after `after`. */
export function isAfterOffset(offset: string | undefined, after: string | undefined): boolean {
  if (offset === undefined || after === undefined) return true;
  const [epoch, seq] = splitOffset(offset);
  const [afterEpoch, afterSeq] = splitOffset(after);
  if (epoch !== afterEpoch) return true;
  return seq > afterSeq;
}

function splitOffset(offset: string): [string, number] {
  const colon = offset.lastIndexOf(':');
  if (colon < 0) return [offset, 0];
  return [offset.slice(0, colon), Number(offset.slice(colon + 1))];
}

/** The live room events held back for one connection, per room, in arrival order. */
export class RoomHold {
  private readonly held = new Map<string, EventEnvelope[]>();

  /** Whether any room is held. */
  get active(): boolean {
    return this.held.size > 0;
  }

  hold(room: string): void {
    if (!this.held.has(room)) this.held.set(room, []);
  }

  /** Keeps `envelope` when its room is held; false when it should go out now. */
  keep(envelope: EventEnvelope): boolean {
    const room = envelope.room;
    if (room === undefined) return false;
    const list = this.held.get(room);
    if (!list) return false;
    list.push(envelope);
    if (list.length > MAX_HELD_EVENTS) list.shift();
    return true;
  }

  /** Stops holding `room`; returns its held events after `afterOffset`, in order. */
  release(room: string, afterOffset: string | undefined): EventEnvelope[] {
    const list = this.held.get(room) ?? [];
    this.held.delete(room);
    return list.filter((envelope) => isAfterOffset(envelope.offset, afterOffset));
  }
}
