import { AssertionError } from 'node:assert';
/**
 * Base of the fluent test helpers: each call queues a step; awaiting the object runs the queued
 * steps in order (so `await client.send('a').expectMessage('a')` works with any test runner).
 * Awaiting resolves with nothing; keep the helper in a variable to go on with it.
 */
export abstract class FluentChain implements PromiseLike<void> {
  private steps: (() => Promise<void>)[] = [];

  /** Queues a step. */
  protected enqueue(step: () => Promise<void>): this {
    this.steps.push(step);
    return this;
  }

  private async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.shift()!;
      try {
        await step();
      } catch (error) {
        this.steps = [];
        throw error;
      }
    }
  }

  then<R1 = void, R2 = never>(
    onFulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    return this.run().then(onFulfilled, onRejected);
  }
}

/** Rejects with `message` after `ms` unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AssertionError({ message })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
