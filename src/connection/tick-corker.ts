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
  uncorkAll(list);
}

function uncorkAll(list: readonly TickCorkable[]): void {
  for (const writer of list) writer.uncorkTick();
}

function scheduleEnd(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(endTick);
  }
}

/** Number of the current callback run: it advances in a microtask queued by its first direct write. */
let run = 1;
/** Whether the end of the current callback run is queued. */
let runQueued = false;

function endRun(): void {
  runQueued = false;
  run += 1;
}

/** Synchronous message dispatches in progress ({@link beginDispatchRun}), nested ones included. */
let dispatchDepth = 0;

/**
 * Opens a callback run around the synchronous dispatch of one inbound message: writes inside it
 * share the run, and {@link endDispatchRun} ends it, so no microtask is queued to end it.
 */
export function beginDispatchRun(): void {
  if (dispatchDepth++ === 0) run += 1;
}

/** Ends the run {@link beginDispatchRun} opened (the outermost one, when nested). */
export function endDispatchRun(): void {
  if (--dispatchDepth === 0) run += 1;
}

/**
 * Marks the current event-loop turn as one whose writes should share a tick: the end of the tick
 * is scheduled, so that writers in every later callback of this turn (another HTTP request's
 * broadcast, another socket's read) see the same tick number. Broadcasts call it once per
 * delivery, whatever the number of recipients.
 */
export function trackWriteTurn(): void {
  scheduleEnd();
}

/**
 * Where a direct write stands, for lazy corking without a timer per write: the callback run it
 * happened in (always) and the write tick (only when the turn is tracked, 0 otherwise). A writer
 * keeps both and asks {@link wroteThisRun} and {@link wroteThisTick} before its next write.
 */
export interface WriteStamp {
  run: number;
  tick: number;
}

/**
 * Records a direct write in `stamp`. Costs a microtask (once per callback run shared by every
 * writer; none inside a synchronous dispatch, whose end closes the run), never a `setImmediate`:
 * a lone reply to a lone read leaves the event loop free to block in its poll right after the
 * write, as a plain `socket.write` would.
 */
export function stampWrite(stamp: WriteStamp): void {
  if (dispatchDepth === 0 && !runQueued) {
    runQueued = true;
    queueMicrotask(endRun);
  }
  stamp.run = run;
  stamp.tick = scheduled ? tick : 0;
}

/**
 * Whether the write recorded in `stamp` happened in the current callback run: a second write in
 * it corks until the end of the job ({@link uncorkAfterThisJob}).
 */
export function wroteThisRun(stamp: WriteStamp): boolean {
  return stamp.run === run;
}

/**
 * Whether the write recorded in `stamp` happened in the current tracked tick (a broadcast marked
 * the turn): a second write corks until the end of the tick ({@link uncorkAtEndOfTick}), so the
 * broadcasts of every callback of the turn leave together.
 */
export function wroteThisTick(stamp: WriteStamp): boolean {
  return scheduled && stamp.tick === tick;
}

let jobPending: TickCorkable[] = [];
/** Whether the end of the current job is queued. */
let jobQueued = false;

function endJob(): void {
  jobQueued = false;
  const list = jobPending;
  jobPending = [];
  uncorkAll(list);
}

/**
 * Schedules `writer.uncorkTick()` for the end of the current job: the callback that is running
 * and every promise continuation it leads to (a `process.nextTick` queued from a continuation runs
 * once the microtask queue is empty). The replies to the messages of one socket read, written by a
 * synchronous listener or by `for await` loops resuming one after the other, leave in one writev
 * before the event loop moves on, without the extra loop turn a `setImmediate` costs.
 */
export function uncorkAfterThisJob(writer: TickCorkable): void {
  jobPending.push(writer);
  if (!jobQueued) {
    jobQueued = true;
    process.nextTick(endJob);
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
