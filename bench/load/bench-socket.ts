import WebSocket from 'ws';
import type { WireDialect } from '../server/contenders.js';
import { chatRequestFrame } from './chat-request-frame.js';

/** Which endpoint a load client opens. */
export type Endpoint = 'echo' | 'fan' | 'guarded';

/** Options of one load client. */
export interface BenchSocketOptions {
  readonly port: number;
  readonly dialect: WireDialect;
  readonly endpoint: Endpoint;
  /** Token sent in the query string (`undefined`: none). */
  readonly token?: string;
  /** Called for every application message (protocol chatter such as Socket.IO pings excluded). */
  readonly onMessage?: (data: Buffer) => void;
}

function urlOf(options: BenchSocketOptions): string {
  const base = `ws://127.0.0.1:${options.port}`;
  const token = options.token === undefined ? '' : `token=${encodeURIComponent(options.token)}`;
  if (options.dialect === 'socket.io' || options.dialect === 'socket.io-ack') {
    return `${base}/socket.io/?EIO=4&transport=websocket${token ? `&${token}` : ''}`;
  }
  return `${base}/${options.endpoint}${token ? `?${token}` : ''}`;
}

/**
 * A WebSocket load client speaking one contender's dialect: plain messages, Socket.IO's
 * engine.io/socket.io framing (with ping answers), or NestJS's `{ event, data }` JSON.
 */
export class BenchSocket {
  readonly ws: WebSocket;
  private nextRequestId = 1;
  /** Resolves when the client can send (after the Socket.IO namespace connect). */
  readonly ready: Promise<void>;

  constructor(private readonly options: BenchSocketOptions) {
    // The load generator shares the machine with the server: it does no work it can skip.
    this.ws = new WebSocket(urlOf(options), {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    const onMessage = options.onMessage;
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.ws.once('error', fail);
      this.ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`refused with HTTP ${res.statusCode}`));
        this.ws.terminate();
      });
      this.ws.once('close', (code) => reject(new Error(`closed with ${code} before ready`)));
      if (options.dialect !== 'socket.io' && options.dialect !== 'socket.io-ack') {
        this.ws.once('open', () => resolve());
        if (onMessage) this.ws.on('message', (data: Buffer) => onMessage(data));
        return;
      }
      this.ws.on('message', (data: Buffer) => {
        const first = data[0];
        if (
          first === 0x34 /* '4' */ &&
          (data[1] === 0x32 /* '2' event */ || data[1] === 0x33) /* '3' ack */
        ) {
          onMessage?.(data);
        } else if (first === 0x32 /* '2' ping */) {
          this.ws.send('3');
        } else if (first === 0x30 /* '0' open */) {
          this.ws.send('40');
        } else if (first === 0x34 && data[1] === 0x30 /* '40' connected */) {
          resolve();
        } else if (first === 0x34 && data[1] === 0x34 /* '44' connect error */) {
          reject(new Error(`refused: ${data.toString()}`));
          this.ws.terminate();
        }
      });
    });
    this.ready.catch(() => undefined);
    this.ws.on('error', () => undefined);
  }

  /** Sends an echo request carrying `text`. */
  sendEcho(text: string): void {
    switch (this.options.dialect) {
      case 'plain':
        this.ws.send(text);
        return;
      case 'socket.io':
        this.ws.send(`42["e",${JSON.stringify(text)}]`);
        return;
      case 'nest-json':
        this.ws.send(`{"event":"echo","data":${JSON.stringify(text)}}`);
        return;
      default:
        // Gateway dialects: a `chat.send` request answered by one reply.
        this.ws.send(chatRequestFrame(this.options.dialect, this.nextRequestId++, text) ?? text);
        return;
    }
  }

  /** Stops reading from the socket (a consumer that no longer reads). */
  stopReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  /** Closes the TCP connection at once. */
  terminate(): void {
    this.ws.terminate();
  }
}

/** Opens `count` clients, at most `concurrency` handshakes in flight; rejects on the first failure. */
export async function openSockets(
  count: number,
  make: (index: number) => BenchSocket,
  concurrency = 100,
): Promise<BenchSocket[]> {
  const sockets: BenchSocket[] = new Array<BenchSocket>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      sockets[index] = make(index);
      await sockets[index].ready;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } catch (error) {
    closeSockets(sockets.filter(Boolean));
    throw error;
  }
  return sockets;
}

/** Terminates every client and waits (briefly) for their sockets to close. */
export async function closeSockets(sockets: readonly BenchSocket[]): Promise<void> {
  const closed = sockets.map(
    (s) =>
      new Promise<void>((resolve) => {
        if (s.ws.readyState === WebSocket.CLOSED) resolve();
        else s.ws.once('close', () => resolve());
      }),
  );
  for (const s of sockets) s.terminate();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise((r) => (timer = setTimeout(r, 5000)))]);
  clearTimeout(timer);
}
