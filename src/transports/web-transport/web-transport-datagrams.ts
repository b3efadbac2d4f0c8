import { InboundMessageQueue } from '../../connection/inbound-message-queue.js';
import { ConnectionClosedError } from '../../errors/connection-closed.error.js';
import type { CloseInfo, WebTransportDatagrams } from '../../interfaces/connection.interface.js';
import type { LibraryDatagrams } from './web-transport-library.interface.js';

/**
 * A session's datagrams with a bounded inbound queue. The library queues every datagram that
 * arrives, read or not; this reads them as they come and keeps at most `limitBytes` of them for
 * the application. Datagrams beyond that are dropped (datagrams are unreliable by definition)
 * and counted in `dropped`.
 */
export class BoundedDatagrams implements WebTransportDatagrams {
  /** Inbound datagrams dropped because `limitBytes` were already queued. */
  dropped = 0;
  private readonly queue = new InboundMessageQueue<Uint8Array>();
  private writer: WritableStreamDefaultWriter<Uint8Array> | undefined;

  constructor(
    private readonly datagrams: LibraryDatagrams,
    private readonly limitBytes: number,
    private readonly onActivity: () => void,
  ) {
    void this.drain();
  }

  async send(data: Uint8Array): Promise<void> {
    // `createWritable` where the library has it: its `writable` getter logs a deprecation.
    this.writer ??= (this.datagrams.createWritable?.() ?? this.datagrams.writable).getWriter();
    await this.writer.ready;
    this.onActivity();
    await this.writer.write(data);
  }

  get incoming(): AsyncIterable<Uint8Array> {
    const queue = this.queue;
    return {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          try {
            yield await queue.next();
          } catch (error) {
            if (error instanceof ConnectionClosedError) return;
            throw error;
          }
        }
      },
    };
  }

  /** Bytes of datagrams waiting for the application. */
  get queuedBytes(): number {
    return this.queue.bytes;
  }

  /** Ends the inbound side (the session closed). */
  close(info: CloseInfo): void {
    this.queue.close(info);
  }

  private async drain(): Promise<void> {
    const reader = this.datagrams.readable.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        this.onActivity();
        if (this.queue.bytes + value.byteLength > this.limitBytes) this.dropped += 1;
        else this.queue.push(value, value.byteLength);
      }
    } catch {
      // The session ended.
    }
  }
}
