/**
 * A bounded FIFO of what was emitted while disconnected: past `capacity` the oldest entry is
 * dropped and counted.
 */
export class OfflineQueue<T> {
  private readonly items: T[] = [];
  private droppedCount = 0;

  constructor(readonly capacity: number) {}

  /** Entries waiting. */
  get size(): number {
    return this.items.length;
  }

  /** Entries dropped because the queue was full (since creation). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Adds an entry; returns false when it could not be kept (capacity 0). */
  push(item: T): boolean {
    if (this.capacity <= 0) {
      this.droppedCount += 1;
      return false;
    }
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.droppedCount += 1;
    }
    this.items.push(item);
    return true;
  }

  /** Removes and returns every entry, oldest first. */
  drain(): T[] {
    return this.items.splice(0, this.items.length);
  }
}
