import type {
  SseAudience,
  SseGapNotice,
  SseHistoryEntry,
  SseHistoryStore,
  SseReplay,
} from '../../interfaces/streaming-adapter.interface.js';
import {
  ensureStream,
  messageAt,
  readRange,
  streamEpoch,
  streamInfo,
  type JetStreamAccess,
  type StreamRecord,
} from './nats-jetstream.js';
import type { NatsNames } from './nats-names.js';
import { GapListeners } from '../shared/gap-listeners.js';

/** An SSE id of this store: `<stream epoch>-<stream seq>`. */
const EVENT_ID = /^(\d{1,40})-(\d{1,16})$/;
const GAP: SseReplay = { entries: [], gap: true };

interface StoredEvent {
  /** Body (absent on a gap marker). */
  readonly b?: string;
  /** Audience. */
  readonly a?: SseAudience;
  /** Gap marker: events may be missing before it. */
  readonly g?: 1;
}

function toEntry(id: string, record: StreamRecord): SseHistoryEntry | undefined {
  let stored: StoredEvent;
  try {
    stored = JSON.parse(record.data) as StoredEvent;
  } catch {
    return undefined;
  }
  if (stored.g || typeof stored.b !== 'string' || !stored.a) return undefined;
  if (stored.a.kind !== 'filters' && stored.a.kind !== 'stream') return undefined;
  return { id, body: stored.b, audience: stored.a };
}

/**
 * SSE history in JetStream, one stream per route (`max_msgs`: the history size plus one), so a
 * client resumes on any instance. Ids are `<epoch>-<seq>`: the stream sequence, and the stream's
 * creation time as its epoch (a stream deleted or lost and created again gives new ids, and a
 * resume from an old one is a gap). The entry a client saw last is still held whenever
 * everything after it is, so a resume is exact when that entry is found and a gap otherwise.
 *
 * While NATS is unreachable, `append` does not fail: it returns an id no stream holds and
 * remembers the route; once NATS is back, a gap marker is appended, so a client resuming from
 * before the outage gets a reset instead of a silent loss.
 */
export class NatsHistoryStore implements SseHistoryStore {
  private readonly gapListeners = new GapListeners();
  /** Routes whose stream exists with a large enough bound (route → max_msgs). */
  private readonly ensured = new Map<string, number>();
  /** Routes whose appends failed (route → history size), awaiting a gap marker. */
  private readonly lostRoutes = new Map<string, number>();
  private lostSeq = 0;

  constructor(
    private readonly access: JetStreamAccess,
    private readonly names: NatsNames,
  ) {}

  async append(
    route: string,
    body: string,
    audience: SseAudience,
    maxLength: number,
  ): Promise<string> {
    try {
      const ack = await this.publish(route, JSON.stringify({ b: body, a: audience }), maxLength);
      if (ack) return `${ack.epoch}-${ack.seq}`;
    } catch {
      // NATS unreachable: fall through to an id no stream holds
    }
    this.lostRoutes.set(route, maxLength);
    this.lostSeq += 1;
    return `lost-${Date.now()}-${this.lostSeq}`;
  }

  private async publish(
    route: string,
    data: string,
    maxLength: number,
  ): Promise<{ epoch: string; seq: number } | undefined> {
    const handles = this.access();
    if (!handles) return undefined;
    const cap = Math.max(0, Math.floor(maxLength)) + 1;
    const stream = this.names.sseStream(route);
    const subject = this.names.sseSubject(route);
    const ensure = async (): Promise<string> => {
      const info = await ensureStream(handles.jsm, {
        name: stream,
        subjects: [subject],
        max_msgs: cap,
      });
      this.ensured.set(route, cap);
      return streamEpoch(info);
    };
    let epoch = (this.ensured.get(route) ?? 0) >= cap ? this.epochs.get(route) : undefined;
    if (epoch === undefined) {
      epoch = await ensure();
      this.epochs.set(route, epoch);
    }
    try {
      const ack = await handles.js.publish(subject, data, { expect: { streamName: stream } });
      return { epoch, seq: ack.seq };
    } catch (error) {
      // the stream may have been deleted: create it again, once
      this.ensured.delete(route);
      const fresh = await ensure();
      this.epochs.set(route, fresh);
      if (fresh === epoch) throw error;
      const ack = await handles.js.publish(subject, data, { expect: { streamName: stream } });
      return { epoch: fresh, seq: ack.seq };
    }
  }

  /** Epoch of each ensured route's stream. */
  private readonly epochs = new Map<string, string>();

  async replay(route: string, lastEventId: string): Promise<SseReplay> {
    const handles = this.access();
    const match = EVENT_ID.exec(lastEventId);
    if (!handles || !match) return GAP;
    const stream = this.names.sseStream(route);
    try {
      const info = await streamInfo(handles.jsm, stream);
      const seq = Number(match[2]);
      if (!info || streamEpoch(info) !== match[1] || seq > info.state.last_seq) return GAP;
      const held = await messageAt(handles.jsm, stream, seq);
      const anchor = held ? toEntry(lastEventId, held) : undefined;
      if (!held) return GAP;
      const last = info.state.last_seq;
      const records = await readRange(handles, stream, seq + 1, last);
      const entries: SseHistoryEntry[] = [];
      let expected = seq + 1;
      for (const record of records) {
        const entry =
          record.seq === expected ? toEntry(`${match[1]}-${record.seq}`, record) : undefined;
        // a gap marker, an unreadable entry or a hole: events after the id are not all held
        if (!entry) return GAP;
        entries.push(entry);
        expected += 1;
      }
      if (expected !== last + 1) return GAP;
      return anchor ? { entries, gap: false, anchor } : { entries, gap: false };
    } catch {
      return GAP;
    }
  }

  async lastId(route: string): Promise<string | undefined> {
    const handles = this.access();
    if (!handles) return undefined;
    try {
      const info = await streamInfo(handles.jsm, this.names.sseStream(route));
      if (!info || info.state.messages === 0) return undefined;
      return `${streamEpoch(info)}-${info.state.last_seq}`;
    } catch {
      return undefined;
    }
  }

  /** Listens for gaps in live delivery on this instance; returns an unsubscribe function. */
  onGap(listener: (notice: SseGapNotice) => void): () => void {
    return this.gapListeners.add(listener);
  }

  /** Tells the listeners that live events may have been missed. */
  notifyGap(reason: SseGapNotice['reason']): void {
    this.gapListeners.notify(reason);
  }

  /** Whether appends failed since the last successful {@link flushGapMarkers}. */
  get hasLostAppends(): boolean {
    return this.lostRoutes.size > 0;
  }

  /** Appends a gap marker to every route whose appends failed (call once NATS is back). */
  async flushGapMarkers(): Promise<void> {
    for (const [route, maxLength] of [...this.lostRoutes]) {
      const ack = await this.publish(route, JSON.stringify({ g: 1 }), maxLength);
      if (!ack) return;
      this.lostRoutes.delete(route);
    }
  }

  /** Forgets which streams exist (the server may have lost them). */
  forgetStreams(): void {
    this.ensured.clear();
    this.epochs.clear();
  }
}
