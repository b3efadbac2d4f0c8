import type { StreamingConnection } from '../../interfaces/connection.interface.js';
import type { SseHistoryStore, SseReplay } from '../../interfaces/streaming-adapter.interface.js';
import {
  SSE_RESET_EVENT,
  encodeSseBody,
  encodeSseChunk,
  encodeSseData,
} from '../../wire/sse.codec.js';
import {
  isReplayableTo,
  resumedIdentity,
  streamAudience,
  type SseStreamIdentity,
} from './sse-audience.js';

/** What a resuming stream gives the replay. */
export interface SseResumeTarget {
  /** The connection (its filters decide which route-wide events it may see again). */
  readonly conn: StreamingConnection;
  readonly route: string;
  readonly history: SseHistoryStore;
  readonly historySize: number;
  /** The stream's own identity before the resume. */
  readonly identity: SseStreamIdentity;
  /** Writes one chunk to the stream. */
  write(chunk: string): void;
}

/** How a resume ended. */
export interface SseResumeOutcome {
  /** The identity the stream continues with (the resumed stream's, for the same user). */
  readonly identity: SseStreamIdentity;
  /** Ids replayed (so live copies of them are skipped), when any were. */
  readonly replayed: ReadonlySet<string> | undefined;
}

/**
 * Replays what a client resuming from `lastEventId` missed: the held events after that id that it
 * may see, in order and once; or, when they are gone (or the id is unknown), one `stream-reset`
 * event with data `{ "reason": "history-gap", "lastEventId" }`, recorded in history like any
 * event so that a later resume from it works.
 */
export async function replayMissedEvents(
  target: SseResumeTarget,
  lastEventId: string,
): Promise<SseResumeOutcome> {
  const { conn, route, history, historySize } = target;
  let replay: SseReplay;
  try {
    replay = await history.replay(route, lastEventId);
  } catch {
    replay = { entries: [], gap: true };
  }
  if (conn.isClosed) return { identity: target.identity, replayed: undefined };
  const identity = resumedIdentity(replay.anchor, target.identity);
  if (replay.gap) {
    const data = JSON.stringify({ reason: 'history-gap', lastEventId });
    const body = encodeSseBody(SSE_RESET_EVENT, encodeSseData(data));
    let chunk = body;
    try {
      const id = await history.append(route, body, streamAudience(identity), historySize);
      chunk = encodeSseChunk(id, body);
    } catch {
      // The history is unavailable: the reset event goes out without an id.
    }
    if (!conn.isClosed) target.write(chunk);
    return { identity, replayed: undefined };
  }
  const replayed = new Set<string>();
  for (const entry of replay.entries) {
    if (conn.isClosed) break;
    if (!isReplayableTo(entry, conn, identity)) continue;
    replayed.add(entry.id);
    target.write(encodeSseChunk(entry.id, entry.body));
  }
  return { identity, replayed: replayed.size > 0 ? replayed : undefined };
}
