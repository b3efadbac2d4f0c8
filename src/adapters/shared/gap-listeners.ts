import type { SseGapNotice } from '../../interfaces/streaming-adapter.interface.js';

/** The listeners of a history store's live-delivery gaps (the SSE transport sends resets). */
export class GapListeners {
  private readonly listeners = new Set<(notice: SseGapNotice) => void>();

  /** Adds a listener; returns its unsubscribe function. */
  add(listener: (notice: SseGapNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener that live events may have been missed; one failing stops no other. */
  notify(reason: SseGapNotice['reason']): void {
    const notice: SseGapNotice = { reason, at: Date.now() };
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }
}
