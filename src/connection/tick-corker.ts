/**
 * A writer whose writes within one event-loop turn are coalesced (cork now, uncork at the end of
 * the turn). A "write tick" here is one turn of the event loop, ended by a `setImmediate`: every
 * read of one poll phase (several HTTP requests each triggering a broadcast, several sockets'
 * messages) shares it, so their writes to one socket leave together, in the same turn.
 */
export interface TickCorkable {
  /** Called once at the end of the tick in which it was corked. */
  uncorkTick(): void;
}

/** Number of the current write tick; it advances at the end of every turn in which one was read. */
let tick = 1;
/** Whether the end of the current write tick is scheduled. */
let scheduled = false;
let pending: TickCorkable[] = [];

function endTick(): void {
  scheduled = false;
  tick += 1;
  if (pending.length === 0) return;
  const list = pending;
  pending = [];
  for (const writer of list) writer.uncorkTick();
}

function scheduleEnd(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(endTick);
  }
}

/**
 * The number of the current write tick, for lazy corking: a writer records it on a direct write,
 * and a second write that finds the same number is the second write of the tick, the one that
 * corks. Reading it schedules the end of the tick (one `setImmediate` shared by every writer).
 */
export function currentWriteTick(): number {
  scheduleEnd();
  return tick;
}

/**
 * Schedules `writer.uncorkTick()` for the end of the current tick; all writers corked in one tick
 * share a single `setImmediate`. The caller corks its stream and marks itself corked.
 */
export function uncorkAtEndOfTick(writer: TickCorkable): void {
  pending.push(writer);
  scheduleEnd();
}
