import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** A raw TCP client that performs a WebSocket handshake and then speaks hand-made frames. */
export class RawWebSocket {
  private buffer = Buffer.alloc(0);
  private readonly listeners: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  /** Connects and upgrades; rejects when the response is not 101. */
  static async connect(
    port: number,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<RawWebSocket> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawWebSocket(socket);
    const key = randomBytes(16).toString('base64');
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
    const head = await client.readUntil('\r\n\r\n');
    if (!head.startsWith('HTTP/1.1 101'))
      throw new Error(`Upgrade refused: ${head.split('\r\n')[0]}`);
    return client;
  }

  /** Reads bytes until `marker` appears; returns everything up to and including it. */
  async readUntil(marker: string, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.buffer.indexOf(marker);
      if (index !== -1) {
        const out = this.buffer.subarray(0, index + marker.length).toString('latin1');
        this.buffer = this.buffer.subarray(index + marker.length);
        return out;
      }
      if (this.closed) throw new Error('socket closed while reading');
      if (Date.now() > deadline)
        throw new Error(`no ${JSON.stringify(marker)} within ${timeoutMs} ms`);
      await this.wait(deadline - Date.now());
    }
  }

  /** Writes raw bytes. */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Builds a client frame (masked unless told otherwise). */
  static frame(
    opcode: number,
    payload: Buffer,
    options: { fin?: boolean; mask?: boolean; rsv?: number } = {},
  ): Buffer {
    const fin = options.fin ?? true;
    const mask = options.mask ?? true;
    const first = (fin ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
    const header: number[] = [first];
    const maskBit = mask ? 0x80 : 0;
    if (payload.length < 126) header.push(maskBit | payload.length);
    else if (payload.length < 65536)
      header.push(maskBit | 126, payload.length >> 8, payload.length & 0xff);
    else {
      header.push(maskBit | 127);
      const len = Buffer.alloc(8);
      len.writeBigUInt64BE(BigInt(payload.length));
      header.push(...len);
    }
    if (!mask) return Buffer.concat([Buffer.from(header), payload]);
    const key = randomBytes(4);
    const masked = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]));
    return Buffer.concat([Buffer.from(header), key, masked]);
  }

  /** Waits for the server's close frame and returns its code (undefined if the socket just closed). */
  async readCloseCode(timeoutMs = 5_000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const code = this.findCloseFrame();
      if (code !== null) return code;
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error(`no close frame within ${timeoutMs} ms`);
      await this.wait(deadline - Date.now());
    }
  }

  private findCloseFrame(): number | null {
    let offset = 0;
    while (this.buffer.length - offset >= 2) {
      const opcode = this.buffer[offset] & 0x0f;
      let length = this.buffer[offset + 1] & 0x7f;
      let headerLength = 2;
      if (length === 126) {
        if (this.buffer.length - offset < 4) return null;
        length = this.buffer.readUInt16BE(offset + 2);
        headerLength = 4;
      } else if (length === 127) {
        if (this.buffer.length - offset < 10) return null;
        length = Number(this.buffer.readBigUInt64BE(offset + 2));
        headerLength = 10;
      }
      if (this.buffer.length - offset < headerLength + length) return null;
      if (opcode === 0x8) {
        return length >= 2 ? this.buffer.readUInt16BE(offset + headerLength) : 1005;
      }
      offset += headerLength + length;
    }
    return null;
  }

  /** Destroys the socket. */
  destroy(): void {
    this.socket.destroy();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, ms));
      this.listeners.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private notify(): void {
    const listeners = this.listeners.splice(0);
    for (const listener of listeners) listener();
  }
}

/** Sends a raw HTTP request and returns the status line and the whole response text. */
export async function rawHttp(
  port: number,
  request: string,
  timeoutMs = 5_000,
): Promise<{ status: number; text: string }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.write(request);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no complete response within ${timeoutMs} ms; got ${JSON.stringify(text.slice(0, 200))}`,
        ),
      );
    }, timeoutMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => undefined);
  });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  return { status, text };
}
