/** One event waiting to be written to an SSE connection. */
export interface SseOutboxItem {
  /** Route ticket (see `SseRouteOrder`): the order in which items are written. */
  readonly ticket: number;
  /** The chunk, once known (a handler event waits for its id from history). */
  chunk: string | undefined;
  /** The event id, once known. */
  id: string | undefined;
  /** Set when the item will never be written (its append failed). */
  cancelled: boolean;
}

/**
 * Events of one SSE connection that cannot be written yet (waiting for an id, for an earlier
 * broadcast, or for the replay of a resuming stream), kept sorted by ticket.
 */
export class SseOutbox {
  private items: SseOutboxItem[] = [];

  get length(): number {
    return this.items.length;
  }

  /** The next item to write. */
  get head(): SseOutboxItem | undefined {
    return this.items[0];
  }

  /** Adds an item in ticket order (usually at the end). */
  add(ticket: number, chunk?: string, id?: string): SseOutboxItem {
    const item: SseOutboxItem = { ticket, chunk, id, cancelled: false };
    let index = this.items.length;
    while (index > 0 && this.items[index - 1].ticket > ticket) index -= 1;
    this.items.splice(index, 0, item);
    return item;
  }

  /** Removes and returns the head. */
  shift(): SseOutboxItem | undefined {
    return this.items.shift();
  }

  /** Drops everything. */
  clear(): void {
    this.items = [];
  }
}
