import type {
  WebTransportBidiStream,
  WebTransportReadable,
  WebTransportWritable,
} from '../../interfaces/connection.interface.js';
import type { LibraryBidiStream } from './web-transport-library.interface.js';

const encoder = new TextEncoder();

/** Called once when a stream half is finished (ended, cancelled, aborted or failed). */
export type StreamHalfDone = () => void;

/** Callbacks a session hooks into its streams (activity tracking, stream accounting). */
export interface StreamHooks {
  /** Data moved on the stream. */
  readonly onActivity?: () => void;
  /** The half finished. */
  readonly onDone?: StreamHalfDone;
  /** Stops the library reading ahead (called at once and after every read: see `web-transport-read-pause`). */
  readonly pauseReading?: () => void;
}

function once(fn: StreamHalfDone | undefined): StreamHalfDone {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn?.();
  };
}

/** The reading half of a WebTransport stream: `read()`, async iteration, `cancel()`. */
export class WebTransportStreamReader implements WebTransportReadable {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly done: StreamHalfDone;

  constructor(
    readable: ReadableStream<Uint8Array>,
    private readonly hooks: StreamHooks = {},
  ) {
    this.reader = readable.getReader();
    this.done = once(hooks.onDone);
    hooks.pauseReading?.();
  }

  async read(): Promise<Uint8Array | null> {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await this.reader.read();
    } catch (error) {
      this.done();
      throw error;
    }
    this.hooks.pauseReading?.();
    if (result.done) {
      this.done();
      return null;
    }
    this.hooks.onActivity?.();
    return result.value;
  }

  async cancel(reason?: string): Promise<void> {
    this.done();
    await this.reader.cancel(reason).catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }
}

/** The writing half of a WebTransport stream: `write()` waits for the stream's backpressure. */
export class WebTransportStreamWriter implements WebTransportWritable {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly done: StreamHalfDone;

  constructor(
    writable: WritableStream<Uint8Array>,
    private readonly hooks: StreamHooks = {},
  ) {
    this.writer = writable.getWriter();
    this.done = once(hooks.onDone);
    this.writer.closed.then(this.done, this.done);
  }

  async write(chunk: Uint8Array | string): Promise<void> {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    await this.writer.ready;
    this.hooks.onActivity?.();
    await this.writer.write(bytes);
  }

  async close(): Promise<void> {
    try {
      await this.writer.close();
    } finally {
      this.done();
    }
  }

  async abort(reason?: string): Promise<void> {
    this.done();
    await this.writer.abort(reason).catch(() => undefined);
  }
}

/** A bidirectional stream: both halves; `onDone` runs when both are finished. */
export class WebTransportBidiStreamImpl implements WebTransportBidiStream {
  private readonly reader: WebTransportStreamReader;
  private readonly writer: WebTransportStreamWriter;

  constructor(stream: LibraryBidiStream, hooks: StreamHooks = {}) {
    let halves = 2;
    const done = once(hooks.onDone);
    const halfDone = () => {
      halves -= 1;
      if (halves === 0) done();
    };
    this.reader = new WebTransportStreamReader(stream.readable, {
      onActivity: hooks.onActivity,
      onDone: halfDone,
      pauseReading: hooks.pauseReading,
    });
    this.writer = new WebTransportStreamWriter(stream.writable, {
      onActivity: hooks.onActivity,
      onDone: halfDone,
    });
  }

  read(): Promise<Uint8Array | null> {
    return this.reader.read();
  }

  cancel(reason?: string): Promise<void> {
    return this.reader.cancel(reason);
  }

  write(chunk: Uint8Array | string): Promise<void> {
    return this.writer.write(chunk);
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  abort(reason?: string): Promise<void> {
    return this.writer.abort(reason);
  }

  /** Cancels reading and aborts writing (a refused or dropped stream). */
  async reset(reason: string): Promise<void> {
    await Promise.all([this.reader.cancel(reason), this.writer.abort(reason)]);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.reader[Symbol.asyncIterator]();
  }
}
