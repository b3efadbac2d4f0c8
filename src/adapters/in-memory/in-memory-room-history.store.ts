import { randomBytes } from 'node:crypto';
import type {
  RoomHistoryEntry,
  RoomHistoryLimits,
  RoomHistoryStore,
  RoomRecovery,
} from '../../interfaces/streaming-adapter.interface.js';

interface RoomLog {
  /** Entries, oldest first. */
  entries: RoomHistoryEntry[];
  /** Sequence number of the newest entry appended (0: none yet). */
  lastSeq: number;
}

/** Splits `<epoch>:<seq>`; undefined when malformed. */
export function parseRoomOffset(offset: string): { epoch: string; seq: number } | undefined {
  const colon = offset.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const seq = Number(offset.slice(colon + 1));
  if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
  return { epoch: offset.slice(0, colon), seq };
}

/**
 * Room history in process memory: a bounded log per room. The epoch is drawn when the store is
 * created, so offsets from before a restart are recognized (`epoch-changed`).
 */
export class InMemoryRoomHistoryStore implements RoomHistoryStore {
  private readonly rooms = new Map<string, RoomLog>();
  private readonly epoch = randomBytes(6).toString('base64url');

  constructor(private readonly now: () => number = Date.now) {}

  append(
    room: string,
    event: string,
    data: unknown,
    limits: RoomHistoryLimits,
  ): Promise<RoomHistoryEntry> {
    let log = this.rooms.get(room);
    if (!log) {
      log = { entries: [], lastSeq: 0 };
      this.rooms.set(room, log);
    }
    log.lastSeq += 1;
    const entry: RoomHistoryEntry = {
      offset: `${this.epoch}:${log.lastSeq}`,
      event,
      data,
      at: this.now(),
    };
    log.entries.push(entry);
    this.trim(log, limits);
    return Promise.resolve(entry);
  }

  since(room: string, offset: string): Promise<RoomRecovery> {
    const log = this.rooms.get(room);
    if (!log) return Promise.resolve({ recovered: false, reason: 'unknown-room' });
    const position = parseRoomOffset(offset);
    if (!position || position.epoch !== this.epoch || position.seq > log.lastSeq) {
      return Promise.resolve({ recovered: false, reason: 'epoch-changed' });
    }
    const oldest = log.entries.length > 0 ? this.seqOf(log.entries[0]) : log.lastSeq + 1;
    if (position.seq + 1 < oldest) return Promise.resolve({ recovered: false, reason: 'too-old' });
    const entries = log.entries.filter((entry) => this.seqOf(entry) > position.seq);
    return Promise.resolve({ recovered: true, entries });
  }

  latest(room: string): Promise<string | undefined> {
    const log = this.rooms.get(room);
    if (!log || log.lastSeq === 0) return Promise.resolve(undefined);
    return Promise.resolve(`${this.epoch}:${log.lastSeq}`);
  }

  private seqOf(entry: RoomHistoryEntry): number {
    return parseRoomOffset(entry.offset)?.seq ?? 0;
  }

  /** Drops entries past the size bound and those older than the TTL. */
  private trim(log: RoomLog, limits: RoomHistoryLimits): void {
    if (log.entries.length > limits.size) log.entries.splice(0, log.entries.length - limits.size);
    if (limits.ttlMs <= 0) return;
    const horizon = this.now() - limits.ttlMs;
    let expired = 0;
    while (expired < log.entries.length && log.entries[expired].at < horizon) expired += 1;
    if (expired > 0) log.entries.splice(0, expired);
  }
}
