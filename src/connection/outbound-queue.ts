/** A chunk of encoded bytes ready for a transport. */
export type OutboundChunk = Buffer | Uint8Array | string;

/** Byte length of a chunk (strings as UTF-8). */
export function chunkLength(chunk: OutboundChunk): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
}

interface QueuedChunk {
  readonly chunk: OutboundChunk;
  readonly bytes: number;
}

/** FIFO of encoded chunks waiting for the transport to drain, with a running byte count. */
export class OutboundQueue {
  private items: QueuedChunk[] = [];
  private head = 0;
  /** Bytes queued. */
  bytes = 0;

  /** Number of chunks queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  push(chunk: OutboundChunk, bytes: number): void {
    this.items.push({ chunk, bytes });
    this.bytes += bytes;
  }

  /** Removes and returns the oldest chunk. */
  shift(): QueuedChunk | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head += 1;
    this.bytes -= item.bytes;
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Drops everything. */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.bytes = 0;
  }
}
