import type {
  SseAudience,
  SseHistoryEntry,
  SseHistoryStore,
  SseReplay,
} from '../../interfaces/streaming-adapter.interface.js';

interface RouteHistory {
  /** Ring of entries, oldest first. */
  entries: SseHistoryEntry[];
  /** Sequence number of the next entry. */
  nextSeq: number;
}

/**
 * SSE history in process memory: a bounded ring per route. Ids are decimal sequence numbers,
 * prefixed with a per-process epoch so ids from before a restart are recognized as unknown.
 */
export class InMemoryHistoryStore implements SseHistoryStore {
  private readonly routes = new Map<string, RouteHistory>();
  private readonly epoch = Date.now().toString(36);

  private history(route: string): RouteHistory {
    let history = this.routes.get(route);
    if (!history) {
      history = { entries: [], nextSeq: 1 };
      this.routes.set(route, history);
    }
    return history;
  }

  private seqOf(id: string): number | undefined {
    const dash = id.lastIndexOf('-');
    if (dash === -1 || id.slice(0, dash) !== this.epoch) return undefined;
    const seq = Number(id.slice(dash + 1));
    return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
  }

  append(route: string, body: string, audience: SseAudience, maxLength: number): Promise<string> {
    const history = this.history(route);
    const id = `${this.epoch}-${history.nextSeq}`;
    history.nextSeq += 1;
    if (maxLength > 0) {
      history.entries.push({ id, body, audience });
      if (history.entries.length > maxLength) {
        history.entries.splice(0, history.entries.length - maxLength);
      }
    }
    return Promise.resolve(id);
  }

  replay(route: string, lastEventId: string): Promise<SseReplay> {
    const history = this.routes.get(route);
    const seq = this.seqOf(lastEventId);
    if (!history || seq === undefined || seq >= history.nextSeq) {
      return Promise.resolve({ entries: [], gap: true });
    }
    const oldestHeld =
      history.entries.length > 0 ? this.seqOf(history.entries[0].id)! : history.nextSeq;
    const held = seq >= oldestHeld ? history.entries[seq - oldestHeld] : undefined;
    const anchor = held?.id === lastEventId ? held : undefined;
    const newest = history.nextSeq - 1;
    if (seq === newest) return Promise.resolve({ entries: [], gap: false, anchor });
    if (seq + 1 < oldestHeld) return Promise.resolve({ entries: [], gap: true });
    const entries = history.entries.filter((entry) => this.seqOf(entry.id)! > seq);
    return Promise.resolve({ entries, gap: false, anchor });
  }

  lastId(route: string): Promise<string | undefined> {
    const history = this.routes.get(route);
    if (!history || history.nextSeq === 1) return Promise.resolve(undefined);
    return Promise.resolve(`${this.epoch}-${history.nextSeq - 1}`);
  }
}
