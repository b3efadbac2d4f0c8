/**
 * Longest a broadcast waits for Redis to stamp it (an SSE history id, a room offset) before it is
 * delivered locally with a "lost" id, in milliseconds. A Redis that is connected but does not
 * answer (`CLIENT PAUSE`, a stalled network path, a long-running script) would otherwise hold
 * every local delivery of such a broadcast for as long as it stays silent.
 */
export const STAMP_TIMEOUT_MS = 1_000;

/** Rejects when `promise` has not settled within `ms` (the late outcome is ignored). */
export function answerWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer in ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
