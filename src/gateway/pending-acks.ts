import { AckRejectedError } from '../errors/ack-rejected.error.js';
import { AckTimeoutError } from '../errors/ack-timeout.error.js';
import type { CloseInfo } from '../errors/close-codes.js';
import { ConnectionClosedError } from '../errors/connection-closed.error.js';
import type { ErrorReplyEnvelope, ReplyEnvelope } from '../wire/envelope.js';

interface PendingAck {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The server's requests to one client (`emitWithAck`) still waiting for their answer. Every entry
 * leaves on its answer, its timeout or the connection's close: nothing outlives the connection.
 */
export class PendingAcks {
  private readonly pending = new Map<number, PendingAck>();
  private nextId = 1;

  /** How many requests are waiting. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Registers a request; `send` is called with its id. When `send` throws (the payload cannot be
   * encoded), the request is forgotten at once and the promise rejects with what it threw.
   */
  create(event: string, timeoutMs: number, send: (id: number) => void): Promise<unknown> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AckTimeoutError(event, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        send(id);
      } catch (error) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  /** Settles the request an answer refers to; false when none waits for it. */
  settle(answer: ReplyEnvelope | ErrorReplyEnvelope): boolean {
    if (typeof answer.id !== 'number') return false;
    const entry = this.pending.get(answer.id);
    if (!entry) return false;
    this.pending.delete(answer.id);
    clearTimeout(entry.timer);
    if ('error' in answer) entry.reject(new AckRejectedError(answer.error));
    else entry.resolve(answer.data);
    return true;
  }

  /** Rejects every waiting request: the connection closed. */
  closeAll(info: CloseInfo): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.reject(new ConnectionClosedError(info));
    }
  }
}
