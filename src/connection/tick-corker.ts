/** A writer whose writes within one tick are coalesced (cork now, uncork at the end of the tick). */
export interface TickCorkable {
  /** Called once at the end of the tick in which it was corked. */
  uncorkTick(): void;
}

let pending: TickCorkable[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const list = pending;
  pending = [];
  for (const writer of list) writer.uncorkTick();
}

/**
 * Schedules `writer.uncorkTick()` for the end of the current tick; all writers corked in one tick
 * share a single `process.nextTick`. The caller corks its stream and marks itself corked.
 */
export function uncorkAtEndOfTick(writer: TickCorkable): void {
  pending.push(writer);
  if (!scheduled) {
    scheduled = true;
    process.nextTick(flush);
  }
}
