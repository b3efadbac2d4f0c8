import type { RedisClient } from './redis-client.js';
import type {
  SseAudience,
  SseGapNotice,
  SseHistoryEntry,
  SseHistoryStore,
  SseReplay,
} from '../../interfaces/streaming-adapter.interface.js';
import type { RedisKeys } from './redis-keys.js';
import { answerWithin, STAMP_TIMEOUT_MS } from './answer-within.js';
import { GapListeners } from '../shared/gap-listeners.js';

/** A Redis stream entry id (`<ms>-<seq>`). */
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
const GAP: SseReplay = { entries: [], gap: true };

type StreamRow = [id: string, fields: string[]];

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** A stored event; undefined for a gap marker or an unreadable entry. */
function toEntry([id, fields]: StreamRow): SseHistoryEntry | undefined {
  if (field(fields, 'g') !== undefined) return undefined;
  const body = field(fields, 'b');
  const audience = parseAudience(field(fields, 'a'));
  return body === undefined || !audience ? undefined : { id, body, audience };
}

function parseAudience(raw: string | undefined): SseAudience | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as SseAudience;
    return value && (value.kind === 'filters' || value.kind === 'stream') ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SSE history in Redis Streams, one stream per route, so a client resumes on any instance.
 *
 * Ids are the stream entry ids. Each stream holds at least `maxLength + 1` entries
 * (`XADD MAXLEN ~`), one more than the history size, so the entry a client saw last is still held
 * whenever everything after it is: a resume is exact when that entry is found and a gap
 * otherwise (trimmed, unknown, malformed, or from before a Redis restart). Streams are only ever
 * trimmed from the head, so a held entry implies every later one is held too.
 *
 * While Redis is unreachable, `append` does not fail: it returns an id that no stream holds (a
 * resume from it is a gap) and remembers the route; once Redis is back a gap marker entry is
 * appended, so a client resuming from before the outage gets a reset instead of a silent loss.
 */
export class RedisHistoryStore implements SseHistoryStore {
  private readonly gapListeners = new GapListeners();
  /** Routes whose appends failed (route → history size), awaiting a gap marker. */
  private readonly lostRoutes = new Map<string, number>();
  private lostSeq = 0;

  constructor(
    private readonly client: () => RedisClient | undefined,
    private readonly keys: RedisKeys,
  ) {}

  async append(
    route: string,
    body: string,
    audience: SseAudience,
    maxLength: number,
  ): Promise<string> {
    const redis = this.client();
    const cap = String(Math.max(0, Math.floor(maxLength)) + 1);
    if (redis) {
      try {
        const id = await answerWithin(
          redis.xadd(
            this.keys.history(route),
            'MAXLEN',
            '~',
            cap,
            '*',
            'b',
            body,
            'a',
            JSON.stringify(audience),
          ),
          STAMP_TIMEOUT_MS,
        );
        if (id) return id;
      } catch {
        // Redis unreachable or silent: fall through to an id no stream holds.
      }
    }
    this.lostRoutes.set(route, maxLength);
    this.lostSeq += 1;
    return `lost-${Date.now()}-${this.lostSeq}`;
  }

  async replay(route: string, lastEventId: string): Promise<SseReplay> {
    const redis = this.client();
    if (!redis || !STREAM_ID.test(lastEventId)) return GAP;
    let rows: StreamRow[];
    try {
      rows = (await redis.xrange(this.keys.history(route), lastEventId, '+')) as StreamRow[];
    } catch {
      return GAP;
    }
    if (rows.length === 0 || rows[0][0] !== lastEventId) return GAP;
    const entries: SseHistoryEntry[] = [];
    for (let i = 1; i < rows.length; i += 1) {
      const entry = toEntry(rows[i]);
      // A gap marker or an unreadable entry: events after the id are not all held.
      if (!entry) return GAP;
      entries.push(entry);
    }
    const anchor = toEntry(rows[0]);
    return anchor ? { entries, gap: false, anchor } : { entries, gap: false };
  }

  async lastId(route: string): Promise<string | undefined> {
    const redis = this.client();
    if (!redis) return undefined;
    try {
      const rows = (await redis.xrevrange(
        this.keys.history(route),
        '+',
        '-',
        'COUNT',
        1,
      )) as StreamRow[];
      return rows.length > 0 ? rows[0][0] : undefined;
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

  /** Appends a gap marker to every route whose appends failed (call once Redis is back). */
  async flushGapMarkers(): Promise<void> {
    const redis = this.client();
    if (!redis) return;
    for (const [route, maxLength] of [...this.lostRoutes]) {
      const cap = String(Math.max(0, Math.floor(maxLength)) + 1);
      await redis.xadd(this.keys.history(route), 'MAXLEN', '~', cap, '*', 'g', '1');
      this.lostRoutes.delete(route);
    }
  }
}
