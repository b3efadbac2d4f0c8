import WebSocket from 'ws';
import { Packr } from 'msgpackr';
import { waitFor } from '../../support/wait-for.js';

const packr = new Packr({ useRecords: false, moreTypes: false });

/** A decoded envelope as the test sees it. */
export type Received = Record<string, unknown>;

/** A raw `ws` client that speaks the gateway envelope (JSON or MessagePack) and records frames. */
export class GatewayTestClient {
  readonly received: Received[] = [];
  readonly binaryFrames: boolean[] = [];
  closeCode: number | undefined;
  private nextId = 1;

  private constructor(
    readonly socket: WebSocket,
    readonly msgpack: boolean,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.binaryFrames.push(isBinary);
      this.received.push(
        (isBinary ? packr.unpack(data) : JSON.parse(data.toString('utf8'))) as Received,
      );
    });
    socket.on('close', (code) => (this.closeCode = code));
  }

  /** Opens a connection; `protocols` are offered as subprotocols. */
  static async open(
    url: string,
    options: { protocols?: string[]; headers?: Record<string, string> } = {},
  ): Promise<GatewayTestClient> {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`unexpected response ${res.statusCode}`)),
      );
    });
    return new GatewayTestClient(socket, socket.protocol === 'forge.v1.msgpack');
  }

  /** Sends a raw frame (text or bytes). */
  sendRaw(frame: string | Buffer): void {
    this.socket.send(frame);
  }

  /** Sends an envelope in the negotiated codec. */
  sendEnvelope(envelope: Record<string, unknown>): void {
    this.socket.send(this.msgpack ? packr.pack(envelope) : JSON.stringify(envelope));
  }

  /** Sends an event without id. */
  emit(event: string, data?: unknown): void {
    this.sendEnvelope({ event, data });
  }

  /** Sends an event with an id and resolves with the envelope that answers it. */
  async request(event: string, data?: unknown): Promise<Received> {
    const id = this.nextId++;
    this.sendEnvelope({ event, data, id });
    return this.next((envelope) => envelope.id === id && !('event' in envelope), `reply ${id}`);
  }

  /** Waits for (and consumes) the first received envelope matching `predicate`. */
  async next(predicate: (envelope: Received) => boolean, what: string): Promise<Received> {
    const found = await waitFor(
      () => {
        const index = this.received.findIndex(predicate);
        return index >= 0 ? { envelope: this.received.splice(index, 1)[0] } : undefined;
      },
      `${what}; received so far: ${JSON.stringify(this.received)}`,
    );
    return found.envelope;
  }

  /** Waits for the event named `event`. */
  nextEvent(event: string): Promise<Received> {
    return this.next((envelope) => envelope.event === event, `event ${event}`);
  }

  /** Waits for the close and returns its code. */
  async closed(): Promise<number> {
    return waitFor(() => this.closeCode, 'the connection to close');
  }

  close(): void {
    this.socket.close();
  }
}
