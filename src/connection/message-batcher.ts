import type { BatchingOptions } from '../interfaces/streaming-config.interface.js';
import type { OutboundChunk } from './outbound-queue.js';

interface BatchItem {
  readonly chunk: OutboundChunk;
  readonly bytes: number;
}

/**
 * Collects outbound chunks and hands them over in order, as one batch, every `intervalMs`
 * or as soon as `maxMessages` are waiting.
 */
export class MessageBatcher {
  private items: BatchItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Bytes waiting in the batch. */
  bytes = 0;

  constructor(
    private readonly options: BatchingOptions,
    private readonly write: (items: readonly BatchItem[]) => void,
  ) {}

  add(chunk: OutboundChunk, bytes: number): void {
    this.items.push({ chunk, bytes });
    this.bytes += bytes;
    if (this.items.length >= this.options.maxMessages) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes what is waiting now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.bytes = 0;
    this.write(items);
  }

  /** Drops what is waiting and stops the timer. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
    this.bytes = 0;
  }
}
