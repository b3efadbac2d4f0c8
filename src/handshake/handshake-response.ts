/** Headers the refusal writer owns: a guard's or filter's value for them is not sent. */
const FRAMED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'content-length',
  'content-type',
  'transfer-encoding',
  'upgrade',
]);

/** A header value as HTTP frameworks accept it. */
type HeaderValue = string | number | readonly string[];

/** What an exception filter (or a guard) wrote to the handshake's response. */
export interface WrittenHandshakeResponse {
  /** The status the filter chose (`undefined` when it wrote a body without one). */
  readonly status: number | undefined;
  /** The body it sent: a JSON-serializable value, a string, or nothing. */
  readonly body: unknown;
  /** Whether a body was sent (`json`, `send` or `end` was called). */
  readonly sent: boolean;
}

/**
 * The response side of a streaming execution context: what `host.switchToHttp().getResponse()`
 * returns at a handshake. There is no framework response yet (the answer is a 101, the head of
 * an event stream or a session), so this records what guards and exception filters write, in
 * the shapes Nest's documentation uses on both platforms:
 *
 * - Express: `response.status(403).json(body)`, `.send(body)`, `.setHeader(name, value)`,
 *   `.header(name, value)`, and `httpAdapter.reply(response, body, status)`;
 * - Fastify: `reply.code(403).send(body)`, `.header(name, value)`.
 *
 * Headers set here (rate-limit headers of `@nestjs/throttler`, for one) go out with the refusal;
 * a status and body a filter wrote become the refusal of an attempt that was not accepted.
 */
export class HandshakeResponse {
  /** The status written so far (200 until a guard or filter sets one). */
  statusCode = 200;
  private statusWritten = false;
  private readonly headerMap = new Map<string, { name: string; value: string }>();
  private body: unknown;
  private bodySent = false;

  /** Whether a body was sent (a filter answered). */
  get headersSent(): boolean {
    return this.bodySent;
  }

  /** Fastify's name for {@link headersSent}. */
  get sent(): boolean {
    return this.bodySent;
  }

  /** Sets the status (Express). */
  status(code: number): this {
    if (Number.isInteger(code) && code >= 100 && code <= 999) {
      this.statusCode = code;
      this.statusWritten = true;
    }
    return this;
  }

  /** Sets the status (Fastify). */
  code(code: number): this {
    return this.status(code);
  }

  /** Sets a header (Express and Fastify). */
  header(name: string, value: HeaderValue): this {
    return this.setHeader(name, value);
  }

  /** Sets a header (Node). */
  setHeader(name: string, value: HeaderValue): this {
    if (typeof name !== 'string' || name.length === 0) return this;
    const text = Array.isArray(value) ? value.join(', ') : String(value as string | number);
    if (/[\r\n\0]/.test(name) || /[\r\n\0]/.test(text)) return this;
    this.headerMap.set(name.toLowerCase(), { name, value: text });
    return this;
  }

  /** A header set so far. */
  getHeader(name: string): string | undefined {
    return this.headerMap.get(String(name).toLowerCase())?.value;
  }

  /** Whether a header was set. */
  hasHeader(name: string): boolean {
    return this.headerMap.has(String(name).toLowerCase());
  }

  /** Removes a header. */
  removeHeader(name: string): this {
    this.headerMap.delete(String(name).toLowerCase());
    return this;
  }

  /** Sets `Content-Type` (Express `type`). */
  type(contentType: string): this {
    return this.setHeader('Content-Type', contentType);
  }

  /** Sends a JSON body (Express). */
  json(body: unknown): this {
    return this.send(body);
  }

  /** Sends a body (Express and Fastify). The first body wins. */
  send(body?: unknown): this {
    if (this.bodySent) return this;
    this.bodySent = true;
    this.body = Buffer.isBuffer(body) ? body.toString('utf8') : body;
    return this;
  }

  /** Ends the response (Node). */
  end(body?: unknown): this {
    return this.send(body);
  }

  /** The headers written so far, by their given names (framing headers left out). */
  writtenHeaders(): Readonly<Record<string, string>> {
    const headers: Record<string, string> = {};
    for (const [key, { name, value }] of this.headerMap) {
      if (!FRAMED_HEADERS.has(key)) headers[name] = value;
    }
    return headers;
  }

  /** What a filter answered, when it sent a body. */
  writtenResponse(): WrittenHandshakeResponse | undefined {
    if (!this.bodySent) return undefined;
    return {
      status: this.statusWritten ? this.statusCode : undefined,
      body: this.body,
      sent: true,
    };
  }
}
