import { AssertionError } from 'node:assert';
import {
  connectWebTransport,
  type ConnectWebTransportOptions,
  type WebTransportClientSession,
} from '../client/web-transport-client.js';
import type { CertificateHashInput } from '../client/web-transport-like.js';
import { readAll } from '../client/read-stream.js';

/** Options of a {@link WebTransportTestSession}. */
export interface WebTransportTestSessionOptions {
  /** Hashes of the server certificate (`WebTransportServerInfo.certificateHash()`). */
  serverCertificateHashes?: CertificateHashInput[];
  /** Longest each expectation waits, in milliseconds. Default 5 000. */
  timeoutMs?: number;
  /** Passed on to `connectWebTransport`. */
  forceReliable?: boolean;
}

type Step = (session: WebTransportClientSession) => Promise<void>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function show(data: Uint8Array): string {
  const text = decoder.decode(data);
  return /^[\x20-\x7e\s]*$/.test(text) ? JSON.stringify(text) : `<${data.byteLength} bytes>`;
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new AssertionError({
                message: `Timed out after ${timeoutMs} ms waiting for ${what}`,
              }),
            ),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A fluent, runner-agnostic WebTransport test client: steps queue up and run in order when the
 * chain is awaited; a failed expectation throws `AssertionError` with expected and actual.
 *
 * ```ts
 * await new WebTransportTestSession(url, { serverCertificateHashes: [info.certificateHash()] })
 *   .send('hi').expectMessage('hi').expectStreamEcho('data').close();
 * ```
 */
export class WebTransportTestSession implements PromiseLike<void> {
  private readonly steps: Step[] = [];
  private session: WebTransportClientSession | undefined;
  private readonly timeoutMs: number;

  constructor(
    private readonly url: string,
    private readonly options: WebTransportTestSessionOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Connects explicitly (the first step connects anyway). */
  connect(): this {
    this.steps.push(async () => undefined);
    return this;
  }

  /** Sends a message on the message stream. */
  send(data: Uint8Array | string): this {
    this.steps.push((session) => session.sendMessage(data));
    return this;
  }

  /** Expects the next message to equal `expected` (text compared as UTF-8 bytes). */
  expectMessage(expected: Uint8Array | string): this {
    this.steps.push(async (session) => {
      const actual = await within(session.receiveMessage(), this.timeoutMs, 'a message');
      const wanted = toBytes(expected);
      if (!sameBytes(actual, wanted)) {
        throw new AssertionError({
          message: `Expected message ${show(wanted)}, got ${show(actual)}`,
          expected: typeof expected === 'string' ? expected : [...wanted],
          actual: typeof expected === 'string' ? decoder.decode(actual) : [...actual],
          operator: 'expectMessage',
        });
      }
    });
    return this;
  }

  /** Opens a bidirectional stream, writes `data`, ends it and expects the same bytes back. */
  expectStreamEcho(data: Uint8Array | string): this {
    this.steps.push(async (session) => {
      const stream = await session.createBidirectionalStream();
      const writer = stream.writable.getWriter();
      const echoed = readAll(stream.readable);
      await writer.write(toBytes(data));
      await writer.close();
      const actual = await within(echoed, this.timeoutMs, 'the stream echo');
      const wanted = toBytes(data);
      if (!sameBytes(actual, wanted)) {
        throw new AssertionError({
          message: `Expected the stream to echo ${show(wanted)}, got ${show(actual)}`,
          expected: wanted.byteLength,
          actual: actual.byteLength,
          operator: 'expectStreamEcho',
        });
      }
    });
    return this;
  }

  /** Alias of {@link expectStreamEcho}: opens a stream and expects its echo. */
  openStream(data: Uint8Array | string): this {
    return this.expectStreamEcho(data);
  }

  /** Closes the session. */
  close(code = 0, reason = ''): this {
    this.steps.push(async (session) => {
      session.close(code, reason);
      this.session = undefined;
    });
    return this;
  }

  then<TResult1 = void, TResult2 = never>(
    onfulfilled?: ((value: void) => TResult1 | PromiseLike<TResult1>) | null,
    onrejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.run().then(onfulfilled, onrejected);
  }

  private async run(): Promise<void> {
    const steps = this.steps.splice(0);
    try {
      for (const step of steps) {
        this.session ??= await within(this.open(), this.timeoutMs, `a session to ${this.url}`);
        await step(this.session);
      }
    } catch (error) {
      this.session?.close();
      this.session = undefined;
      throw error;
    }
  }

  private open(): Promise<WebTransportClientSession> {
    const options: ConnectWebTransportOptions = {
      serverCertificateHashes: this.options.serverCertificateHashes,
      forceReliable: this.options.forceReliable,
    };
    return connectWebTransport(this.url, options);
  }
}
