/** Timers behind an interface, so that tests drive reconnects and timeouts without sleeping. */
export interface ClientClock {
  /** Milliseconds since some fixed point. */
  now(): number;
  /** Calls `callback` after `ms`; returns a handle for {@link clear}. */
  set(callback: () => void, ms: number): unknown;
  /** Cancels a timer from {@link set}. */
  clear(handle: unknown): void;
}

/** The real clock (`Date.now`, `setTimeout`). */
export const systemClock: ClientClock = {
  now: () => Date.now(),
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
