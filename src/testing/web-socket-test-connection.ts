import { AssertionError, deepStrictEqual } from 'node:assert';
import WebSocket from 'ws';
import { FluentChain, withTimeout } from './fluent-chain.js';

/** Options of a test WebSocket. */
export interface WebSocketTestOptions {
  /** Request headers (e.g. `Authorization`, `Origin`). */
  headers?: Record<string, string>;
  /** Subprotocols to offer. */
  protocols?: string[];
  /** Default wait for each expectation, in milliseconds. Default 5 000. */
  timeoutMs?: number;
}

/** A message the test client received. */
export interface ReceivedMessage {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

/** What a test connection ended with. */
export interface ReceivedClose {
  readonly code: number;
  readonly reason: string;
}

/** Expected message: exact text, a pattern, bytes, or a value compared with the JSON payload. */
export type ExpectedMessage =
  string | RegExp | Uint8Array | ((message: ReceivedMessage) => boolean) | object;

function describe(message: ReceivedMessage): string {
  return message.binary
    ? `<binary ${(message.data as Buffer).toString('hex')}>`
    : JSON.stringify(message.data);
}

function matches(expected: ExpectedMessage, message: ReceivedMessage): void {
  if (typeof expected === 'string') {
    if (message.binary || message.data !== expected) {
      throw new AssertionError({
        message: `expected text ${JSON.stringify(expected)}, got ${describe(message)}`,
        expected,
        actual: message.data,
      });
    }
    return;
  }
  if (expected instanceof RegExp) {
    if (message.binary || !expected.test(message.data as string)) {
      throw new AssertionError({
        message: `expected text matching ${expected}, got ${describe(message)}`,
        expected,
        actual: message.data,
      });
    }
    return;
  }
  if (expected instanceof Uint8Array) {
    if (!message.binary || !Buffer.from(expected).equals(message.data as Buffer)) {
      throw new AssertionError({
        message: `expected binary ${Buffer.from(expected).toString('hex')}, got ${describe(message)}`,
        expected,
        actual: message.data,
      });
    }
    return;
  }
  if (typeof expected === 'function') {
    if (!(expected as (m: ReceivedMessage) => boolean)(message)) {
      throw new AssertionError({
        message: `message ${describe(message)} did not satisfy the predicate`,
      });
    }
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      message.binary ? (message.data as Buffer).toString('utf8') : (message.data as string),
    );
  } catch {
    throw new AssertionError({
      message: `expected JSON ${JSON.stringify(expected)}, got ${describe(message)}`,
    });
  }
  deepStrictEqual(parsed, expected);
}

/**
 * A fluent WebSocket test client: `await app.test().webSocket('/ws').expectMessage('hello')`.
 * Messages are queued as they arrive, so expectations never miss one.
 */
export class WebSocketTestConnection extends FluentChain {
  private socket: WebSocket | undefined;
  private readonly inbox: ReceivedMessage[] = [];
  private waiter: (() => void) | undefined;
  private closeInfo: ReceivedClose | undefined;
  private upgradeStatus: number | undefined;
  private readonly timeoutMs: number;

  constructor(
    private readonly url: string,
    private readonly options: WebSocketTestOptions = {},
  ) {
    super();
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** The underlying `ws` client (after the first step ran). */
  get raw(): WebSocket | undefined {
    return this.socket;
  }

  /** Opens the connection and expects the upgrade to succeed. */
  expectOpen(): this {
    return this.enqueue(async () => {
      await this.open();
    });
  }

  /** Expects the handshake to be refused with this HTTP status. */
  expectRejected(status: number): this {
    return this.enqueue(async () => {
      await this.open().catch(() => undefined);
      if (this.upgradeStatus !== status) {
        throw new AssertionError({
          message: `expected the upgrade to be refused with ${status}, got ${this.upgradeStatus ?? 'an open connection'}`,
          expected: status,
          actual: this.upgradeStatus,
        });
      }
    });
  }

  /** Sends a message (string → text, bytes → binary, other → JSON text). */
  send(data: string | Uint8Array | object): this {
    return this.enqueue(async () => {
      const socket = await this.open();
      const payload =
        typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data);
      await new Promise<void>((resolve, reject) =>
        socket.send(payload, (error) => (error ? reject(error) : resolve())),
      );
    });
  }

  /** Expects the next message to match. */
  expectMessage(expected: ExpectedMessage, timeoutMs = this.timeoutMs): this {
    return this.enqueue(async () => {
      const message = await this.nextMessage(timeoutMs);
      matches(expected, message);
    });
  }

  /** Expects no message within `ms`. */
  expectNoMessage(ms = 300): this {
    return this.enqueue(async () => {
      await this.open();
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (this.inbox.length > 0) {
        throw new AssertionError({
          message: `expected no message, got ${describe(this.inbox[0])}`,
        });
      }
    });
  }

  /** Expects the server to close the connection, with this code if given. */
  expectClose(code?: number, timeoutMs = this.timeoutMs): this {
    return this.enqueue(async () => {
      await this.open().catch(() => undefined);
      const info = await withTimeout(
        this.waitForClose(),
        timeoutMs,
        `expected a close${code ? ` ${code}` : ''} within ${timeoutMs} ms`,
      );
      if (code !== undefined && info.code !== code) {
        throw new AssertionError({
          message: `expected close code ${code}, got ${info.code} (${info.reason})`,
          expected: code,
          actual: info.code,
        });
      }
    });
  }

  /** Closes the connection from the client side. */
  close(code = 1000): this {
    return this.enqueue(async () => {
      if (!this.socket || this.closeInfo) return;
      this.socket.close(code);
      await withTimeout(
        this.waitForClose(),
        this.timeoutMs,
        'close handshake did not finish',
      ).catch(() => this.socket?.terminate());
    });
  }

  /** Messages received and not yet consumed by an expectation. */
  get pending(): readonly ReceivedMessage[] {
    return this.inbox;
  }

  /** How the connection closed, once it has. */
  get closed(): ReceivedClose | undefined {
    return this.closeInfo;
  }

  /** Waits for and returns the next message. */
  async nextMessage(timeoutMs = this.timeoutMs): Promise<ReceivedMessage> {
    await this.open();
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.closeInfo)
        throw new AssertionError({
          message: `connection closed (${this.closeInfo.code}) before the expected message`,
        });
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new AssertionError({ message: `no message within ${timeoutMs} ms` });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.inbox.shift()!;
  }

  private open(): Promise<WebSocket> {
    if (this.socket) {
      const socket = this.socket;
      if (socket.readyState !== WebSocket.CONNECTING || this.closeInfo)
        return Promise.resolve(socket);
      return new Promise((resolve, reject) => {
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    }
    const socket = new WebSocket(this.url, this.options.protocols ?? [], {
      headers: this.options.headers,
    });
    this.socket = socket;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.inbox.push({ data: isBinary ? data : data.toString('utf8'), binary: isBinary });
      this.wake();
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.closeInfo = { code, reason: reason.toString('utf8') };
      this.wake();
    });
    socket.on('unexpected-response', (_req, res) => {
      this.upgradeStatus = res.statusCode;
      res.resume();
      this.closeInfo = { code: 1006, reason: `HTTP ${res.statusCode}` };
      socket.terminate();
      this.wake();
    });
    return withTimeout(
      new Promise<WebSocket>((resolve, reject) => {
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
        socket.once('close', () =>
          reject(new Error(`connection closed before opening (${this.closeInfo?.reason ?? ''})`)),
        );
      }),
      this.timeoutMs,
      `connection to ${this.url} did not open within ${this.timeoutMs} ms`,
    );
  }

  private waitForClose(): Promise<ReceivedClose> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve) => this.socket!.once('close', () => resolve(this.closeInfo!)));
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
