import { AssertionError, deepStrictEqual } from 'node:assert';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { FluentChain } from './fluent-chain.js';

/** Options of an SSE test request. */
export interface SseTestRequestOptions {
  /** Request headers (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** Sent as the `Last-Event-ID` header (resume). */
  lastEventId?: string;
  /** Default wait for each expectation, in milliseconds. Default 5 000. */
  timeout?: number;
}

/** The wait of one expectation. */
export interface SseWaitOptions {
  /** Milliseconds to wait. Default: the request's `timeout`. */
  timeout?: number;
}

/** An event as the client parsed it. */
export interface ReceivedSseEvent {
  /** Event name (`message` when the stream gave none). */
  readonly event: string;
  /** The data lines joined with `\n`. */
  readonly data: string;
  /** The event's id (undefined when it had none). */
  readonly id: string | undefined;
}

function describeEvent(event: ReceivedSseEvent | undefined): string {
  return event
    ? `event ${JSON.stringify(event.event)} with data ${JSON.stringify(event.data)}`
    : 'none';
}

/**
 * A fluent SSE test client: `await app.test().sse('/events').expectStatus(200)
 * .expectHeader('content-type', 'text/event-stream').expectEvent('test', 'data')`.
 * Runner-agnostic: failures throw `AssertionError` with what was expected and what came.
 * Events are queued as they arrive (parsed with `eventsource-parser`), so none is missed;
 * `expectEvent` checks the next unread event. The request stays open until `close()` or the end
 * of the stream.
 */
export class SseTestRequest extends FluentChain {
  private req: ClientRequest | undefined;
  private res: IncomingMessage | undefined;
  private opening: Promise<IncomingMessage> | undefined;
  private readonly inbox: ReceivedSseEvent[] = [];
  private readonly seen: ReceivedSseEvent[] = [];
  private readonly commentList: string[] = [];
  private retryValue: number | undefined;
  private ended = false;
  private closedByClient = false;
  private error: Error | undefined;
  private waiters: (() => void)[] = [];
  private readonly timeoutMs: number;

  constructor(
    private readonly baseUrl: string,
    private readonly path: string,
    private readonly options: SseTestRequestOptions = {},
  ) {
    super();
    this.timeoutMs = options.timeout ?? 5_000;
  }

  /** Every event received so far, in order. */
  get received(): readonly ReceivedSseEvent[] {
    return this.seen;
  }

  /** The `retry:` value the server sent, if any. */
  get retry(): number | undefined {
    return this.retryValue;
  }

  /** Comments received (heartbeats). */
  get comments(): readonly string[] {
    return this.commentList;
  }

  /** Expects the response status. */
  expectStatus(status: number, options?: SseWaitOptions): this {
    return this.enqueue(async () => {
      const res = await this.waitForResponse(options);
      if (res.statusCode !== status) {
        throw new AssertionError({
          message: `expected status ${status}, got ${res.statusCode ?? 'none'}`,
          expected: status,
          actual: res.statusCode,
        });
      }
    });
  }

  /**
   * Expects a response header: a RegExp is tested against the value; a string matches the whole
   * value or its part before `;` (`text/event-stream` matches `text/event-stream; charset=utf-8`).
   */
  expectHeader(name: string, expected: string | RegExp, options?: SseWaitOptions): this {
    return this.enqueue(async () => {
      const res = await this.waitForResponse(options);
      const raw = res.headers[name.toLowerCase()];
      const actual = Array.isArray(raw) ? raw.join(', ') : raw;
      const ok =
        actual !== undefined &&
        (expected instanceof RegExp
          ? expected.test(actual)
          : actual === expected || actual.split(';')[0].trim() === expected);
      if (!ok) {
        throw new AssertionError({
          message: `expected header ${name} to match ${String(expected)}, got ${actual === undefined ? 'no header' : JSON.stringify(actual)}`,
          expected,
          actual,
        });
      }
    });
  }

  /**
   * Expects the next unread event to be named `event` and, when `data` is given, to carry it
   * (a string is compared as is; anything else is compared with the JSON-parsed data).
   */
  expectEvent(event: string, data?: unknown, options?: SseWaitOptions): this {
    return this.enqueue(async () => {
      const [next] = await this.take(1, options, `event ${JSON.stringify(event)}`);
      if (next.event !== event) {
        throw new AssertionError({
          message: `expected event ${JSON.stringify(event)}, got ${describeEvent(next)}`,
          expected: event,
          actual: next.event,
        });
      }
      if (data === undefined) return;
      if (typeof data === 'string') {
        if (next.data !== data) {
          throw new AssertionError({
            message: `expected data ${JSON.stringify(data)} for event ${JSON.stringify(event)}, got ${JSON.stringify(next.data)}`,
            expected: data,
            actual: next.data,
          });
        }
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(next.data);
      } catch {
        throw new AssertionError({
          message: `expected JSON data ${JSON.stringify(data)}, got ${JSON.stringify(next.data)}`,
          expected: data,
          actual: next.data,
        });
      }
      deepStrictEqual(parsed, data);
    });
  }

  /** Expects `count` more events (any names). */
  expectEvents(count: number, options?: SseWaitOptions): this {
    return this.enqueue(async () => {
      await this.take(count, options, `${count} events`);
    });
  }

  /** Expects the server to end the stream. */
  expectEnd(options?: SseWaitOptions): this {
    return this.enqueue(async () => {
      await this.waitForResponse(options);
      await this.waitUntil(() => this.ended, options, 'the end of the stream');
    });
  }

  /** Closes the request (the server sees the client go away). */
  close(): this {
    return this.enqueue(() => {
      this.abort();
      return Promise.resolve();
    });
  }

  /** Runs the queued steps, then resolves with the next `count` unread events. */
  async collect(count: number, options?: SseWaitOptions): Promise<ReceivedSseEvent[]> {
    await this;
    return this.take(count, options, `${count} events`);
  }

  /** Runs the queued steps, then resolves with every unread event once the stream has ended. */
  async events(options?: SseWaitOptions): Promise<ReceivedSseEvent[]> {
    await this;
    await this.waitForResponse(options);
    await this.waitUntil(() => this.ended, options, 'the end of the stream');
    return this.inbox.splice(0, this.inbox.length);
  }

  private async take(
    count: number,
    options: SseWaitOptions | undefined,
    what: string,
  ): Promise<ReceivedSseEvent[]> {
    await this.waitForResponse(options);
    await this.waitUntil(() => this.inbox.length >= count || this.ended, options, what);
    if (this.inbox.length < count) {
      throw new AssertionError({
        message: `expected ${what}, but the stream ended after ${this.inbox.length} more (next: ${describeEvent(this.inbox[0])})`,
      });
    }
    return this.inbox.splice(0, count);
  }

  private waitUntil(
    condition: () => boolean,
    options: SseWaitOptions | undefined,
    what: string,
  ): Promise<void> {
    const timeout = options?.timeout ?? this.timeoutMs;
    return new Promise<void>((resolve, reject) => {
      const check = (): boolean => {
        if (this.error && !this.closedByClient) {
          clearTimeout(timer);
          reject(this.error);
          return true;
        }
        if (!condition()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== onChange);
        reject(
          new AssertionError({
            message: `expected ${what} within ${timeout} ms; received ${this.inbox.length} unread event(s), next: ${describeEvent(this.inbox[0])}`,
          }),
        );
      }, timeout);
      const onChange = (): void => {
        if (!check()) this.waiters.push(onChange);
      };
      onChange();
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  private waitForResponse(options?: SseWaitOptions): Promise<IncomingMessage> {
    const opening = this.open();
    return new Promise<IncomingMessage>((resolve, reject) => {
      const timeout = options?.timeout ?? this.timeoutMs;
      const timer = setTimeout(
        () => reject(new AssertionError({ message: `no response within ${timeout} ms` })),
        timeout,
      );
      opening.then(
        (res) => {
          clearTimeout(timer);
          resolve(res);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private open(): Promise<IncomingMessage> {
    if (this.opening) return this.opening;
    const url = new URL(this.path, this.baseUrl);
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      ...(this.options.lastEventId !== undefined
        ? { 'last-event-id': this.options.lastEventId }
        : {}),
      ...(this.options.headers ?? {}),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    this.opening = new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method: 'GET', headers });
      this.req = req;
      req.on('error', (error) => {
        this.error = error;
        this.ended = true;
        reject(error);
        this.notify();
      });
      req.on('response', (res) => {
        this.res = res;
        const parser = this.parser();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.feed(chunk));
        res.on('end', () => this.markEnded());
        res.on('close', () => this.markEnded());
        res.on('error', () => this.markEnded());
        resolve(res);
      });
      req.end();
    });
    this.opening.catch(() => undefined);
    return this.opening;
  }

  private parser(): EventSourceParser {
    return createParser({
      onEvent: (message) => {
        const event: ReceivedSseEvent = {
          event: message.event ?? 'message',
          data: message.data,
          id: message.id,
        };
        this.inbox.push(event);
        this.seen.push(event);
        this.notify();
      },
      onRetry: (retry) => {
        this.retryValue = retry;
      },
      onComment: (comment) => {
        this.commentList.push(comment);
      },
    });
  }

  private markEnded(): void {
    if (this.ended) return;
    this.ended = true;
    this.notify();
  }

  private abort(): void {
    this.closedByClient = true;
    this.res?.destroy();
    this.req?.destroy();
    this.markEnded();
  }
}
