import { randomBytes } from 'node:crypto';
import type {
  RoomHistoryEntry,
  RoomHistoryLimits,
  RoomHistoryStore,
  RoomRecovery,
} from '../../interfaces/streaming-adapter.interface.js';
import { parseOffset } from '../../wire/room-offset.js';
import {
  ensureStream,
  lastOnSubject,
  messageAt,
  readRange,
  streamEpoch,
  streamInfo,
  type JetStreamAccess,
  type StreamRecord,
} from './nats-jetstream.js';
import type { NatsNames } from './nats-names.js';

/** One stored room event. */
interface StoredRoomEvent {
  /** Event name. */
  readonly e: string;
  /** Payload JSON ('' for undefined). */
  readonly d: string;
  /** Appended at (epoch ms). */
  readonly t: number;
  /** The room's history size when appended. */
  readonly s: number;
  /** The room's history TTL when appended (ms, 0: none). */
  readonly l: number;
}

function decode(record: StreamRecord): StoredRoomEvent | undefined {
  try {
    const stored = JSON.parse(record.data) as StoredRoomEvent;
    return typeof stored.e === 'string' && typeof stored.d === 'string' ? stored : undefined;
  } catch {
    return undefined;
  }
}

function decodeData(raw: string): unknown {
  return raw === '' ? undefined : (JSON.parse(raw) as unknown);
}

/**
 * Room history in one JetStream stream, one subject per room, so a client recovers on any
 * instance and across restarts of the app. Offsets are `<epoch>:<seq>`: `seq` is the stream
 * sequence (it grows with every append to the room, not by one), and the epoch is the stream's
 * creation time, so a stream deleted or lost and created again answers older offsets with
 * `epoch-changed`.
 *
 * The stream keeps `size + 1` events per room (the largest size any room asked for: limits only
 * grow), so the event at a client's offset is still held whenever everything after it is; each
 * event carries its room's size and TTL, so a room that shares a larger bound still answers
 * `too-old` past its own. An append that fails (NATS unreachable) returns an offset no log
 * holds, so a recovery from it is refused rather than answered with a silent gap.
 */
export class NatsRoomHistoryStore implements RoomHistoryStore {
  private ensuredCap = 0;
  private epoch: string | undefined;
  private readonly lostEpoch = `lost-${randomBytes(6).toString('base64url')}`;
  private lostSeq = 0;

  constructor(
    private readonly access: JetStreamAccess,
    private readonly names: NatsNames,
  ) {}

  private async ensure(cap: number): Promise<string> {
    const handles = this.access();
    if (!handles) throw new Error('NATS is not reachable');
    const info = await ensureStream(handles.jsm, {
      name: this.names.roomHistoryStream,
      subjects: [`${this.names.roomHistoryPrefix}>`],
      max_msgs_per_subject: cap,
    });
    this.ensuredCap = Math.max(cap, info.config.max_msgs_per_subject);
    this.epoch = streamEpoch(info);
    return this.epoch;
  }

  async append(
    room: string,
    event: string,
    data: unknown,
    limits: RoomHistoryLimits,
  ): Promise<RoomHistoryEntry> {
    const size = Math.max(1, Math.floor(limits.size));
    const stored: StoredRoomEvent = {
      e: event,
      d: data === undefined ? '' : JSON.stringify(data),
      t: Date.now(),
      s: size,
      l: Math.max(0, Math.floor(limits.ttlMs)),
    };
    const handles = this.access();
    if (handles) {
      try {
        const offset = await this.publish(room, JSON.stringify(stored), size + 1);
        return { offset, event, data, at: stored.t };
      } catch {
        // NATS unreachable: fall through to an offset no log holds
      }
    }
    this.lostSeq += 1;
    return {
      offset: `${this.lostEpoch}:${this.lostSeq}`,
      event,
      data,
      at: stored.t,
      stored: false,
    };
  }

  private async publish(room: string, payload: string, cap: number): Promise<string> {
    const handles = this.access();
    if (!handles) throw new Error('NATS is not reachable');
    let epoch = this.ensuredCap >= cap ? this.epoch : undefined;
    epoch ??= await this.ensure(cap);
    const stream = this.names.roomHistoryStream;
    const subject = this.names.roomHistory(room);
    try {
      const ack = await handles.js.publish(subject, payload, { expect: { streamName: stream } });
      return `${epoch}:${ack.seq}`;
    } catch (error) {
      // the stream may have been deleted: create it again, once
      this.ensuredCap = 0;
      const fresh = await this.ensure(cap);
      if (fresh === epoch) throw error;
      const ack = await handles.js.publish(subject, payload, { expect: { streamName: stream } });
      return `${fresh}:${ack.seq}`;
    }
  }

  async since(room: string, offset: string): Promise<RoomRecovery> {
    const position = parseOffset(offset);
    if (!position) return { recovered: false, reason: 'epoch-changed' };
    const handles = this.access();
    if (!handles) throw new Error('NATS is not reachable');
    const stream = this.names.roomHistoryStream;
    const subject = this.names.roomHistory(room);
    const info = await streamInfo(handles.jsm, stream);
    if (!info) return { recovered: false, reason: 'unknown-room' };
    if (streamEpoch(info) !== position.epoch || position.seq > info.state.last_seq) {
      return { recovered: false, reason: 'epoch-changed' };
    }
    const last = await lastOnSubject(handles.jsm, stream, subject);
    if (!last) return { recovered: false, reason: 'unknown-room' };
    if (position.seq > last.seq) return { recovered: false, reason: 'epoch-changed' };
    // Seq 0 stands for the start of the epoch: every event of it is wanted, which the stream
    // still holds only when it never dropped a message.
    const fromStart = position.seq === 0;
    const anchor = fromStart ? undefined : await messageAt(handles.jsm, stream, position.seq);
    if (anchor && anchor.subject !== subject) return { recovered: false, reason: 'epoch-changed' };
    if (position.seq === last.seq) return { recovered: true, entries: [] };
    if (fromStart ? info.state.first_seq > 1 : !anchor)
      return { recovered: false, reason: 'too-old' };
    const records = await readRange(handles, stream, position.seq + 1, last.seq, subject);
    const events = records.map((record) => ({ record, stored: decode(record) }));
    const newest = events.at(-1)?.stored;
    if (!newest || events.some((event) => !event.stored)) {
      return { recovered: false, reason: 'too-old' };
    }
    if (events.length > newest.s) return { recovered: false, reason: 'too-old' };
    const first = events[0]!.stored!;
    if (newest.l > 0 && first.t < Date.now() - newest.l) {
      return { recovered: false, reason: 'too-old' };
    }
    const epoch = position.epoch;
    return {
      recovered: true,
      entries: events.map(({ record, stored }) => ({
        offset: `${epoch}:${record.seq}`,
        event: stored!.e,
        data: decodeData(stored!.d),
        at: stored!.t,
      })),
    };
  }

  async latest(room: string): Promise<string | undefined> {
    const handles = this.access();
    if (!handles) return undefined;
    const stream = this.names.roomHistoryStream;
    const info = await streamInfo(handles.jsm, stream);
    if (!info) return undefined;
    const last = await lastOnSubject(handles.jsm, stream, this.names.roomHistory(room));
    return last ? `${streamEpoch(info)}:${last.seq}` : undefined;
  }

  /** Forgets the stream's epoch and bound (the server may have lost it). */
  forgetStream(): void {
    this.ensuredCap = 0;
    this.epoch = undefined;
  }
}
