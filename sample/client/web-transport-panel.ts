import { connectWebTransport, type WebTransportClientSession } from 'nestjs-forge-streaming/client';
import { appendLog, byId, clock, fetchJson, setStatus } from './dom.js';

/** The WebTransport part of `GET /page-config`. */
export interface WebTransportPageConfig {
  readonly enabled: boolean;
  readonly port: number;
  readonly path: string;
  readonly transports: readonly string[];
}

interface CertificateHash {
  readonly algorithm: 'sha-256';
  readonly value: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function readAll(readable: ReadableStream<Uint8Array>): Promise<string> {
  const reader = readable.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * WebTransport echo (`/wt/echo` on the WebTransport port): native WebTransport when the browser
 * has it and the server offers HTTP/3, otherwise the ponyfill over the WebSocket mapping.
 */
export class WebTransportPanel {
  private readonly status = byId<HTMLParagraphElement>('wt-status');
  private readonly transport = byId<HTMLElement>('wt-transport');
  private readonly log = byId<HTMLOListElement>('wt-log');
  private readonly connectButton = byId<HTMLButtonElement>('wt-connect');
  private readonly disconnectButton = byId<HTMLButtonElement>('wt-disconnect');
  private readonly messageInput = byId<HTMLInputElement>('wt-message');
  private readonly sendButton = byId<HTMLButtonElement>('wt-send');
  private readonly streamButton = byId<HTMLButtonElement>('wt-stream');
  private session: WebTransportClientSession | undefined;

  constructor(private readonly config: WebTransportPageConfig) {
    if (!config.enabled) {
      this.connectButton.disabled = true;
      setStatus(this.status, 'The WebTransport server is not running', 'warn');
      return;
    }
    const native = typeof (globalThis as { WebTransport?: unknown }).WebTransport === 'function';
    this.transport.textContent = this.useNative(native)
      ? 'native WebTransport (HTTP/3)'
      : `ponyfill over the WebSocket mapping${native ? ' (the server has no HTTP/3)' : ''}`;
    this.connectButton.addEventListener('click', () => void this.connect());
    this.disconnectButton.addEventListener('click', () => this.session?.close(0, 'bye'));
    byId<HTMLFormElement>('wt-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.sendMessage();
    });
    this.streamButton.addEventListener('click', () => void this.sendOnStream());
  }

  private useNative(native: boolean): boolean {
    return native && this.config.transports.includes('http3');
  }

  private url(): string {
    return `https://${location.hostname}:${this.config.port}${this.config.path}`;
  }

  private async connect(): Promise<void> {
    this.connectButton.disabled = true;
    setStatus(this.status, 'Connecting…');
    try {
      const hash = await fetchJson<CertificateHash>('/webtransport/cert-hash');
      const native = typeof (globalThis as { WebTransport?: unknown }).WebTransport === 'function';
      const session = await connectWebTransport(this.url(), {
        serverCertificateHashes: [hash],
        forceReliable: !this.useNative(native),
      });
      this.session = session;
      this.transport.textContent =
        session.implementation === 'native'
          ? 'native WebTransport (HTTP/3)'
          : 'ponyfill over the WebSocket mapping';
      setStatus(this.status, `Connected to ${this.url()}`, 'ok');
      this.setConnected(true);
      void session.closed
        .catch(() => undefined)
        .then(() => {
          if (this.session !== session) return;
          this.session = undefined;
          this.setConnected(false);
          setStatus(this.status, 'Disconnected');
        });
      void this.readEchoes(session);
    } catch (error) {
      this.connectButton.disabled = false;
      setStatus(
        this.status,
        `Could not connect (${(error as Error).message || 'failed'}). With the development ` +
          `certificate, open https://${location.hostname}:${this.config.port}/ once and accept it.`,
        'warn',
      );
    }
  }

  private async readEchoes(session: WebTransportClientSession): Promise<void> {
    try {
      for (;;) {
        const text = await session.receiveText();
        appendLog(this.log, `${clock()} message echo`, text);
      }
    } catch {
      // The session closed.
    }
  }

  private async sendMessage(): Promise<void> {
    const text = this.messageInput.value;
    if (!this.session || !text) return;
    await this.session.sendMessage(text);
  }

  private async sendOnStream(): Promise<void> {
    const text = this.messageInput.value;
    if (!this.session || !text) return;
    try {
      const stream = await this.session.createBidirectionalStream();
      const writer = stream.writable.getWriter();
      await writer.write(encoder.encode(text));
      await writer.close();
      appendLog(this.log, `${clock()} stream echo`, await readAll(stream.readable));
    } catch (error) {
      appendLog(this.log, `${clock()} stream failed`, (error as Error).message);
    }
  }

  private setConnected(connected: boolean): void {
    this.connectButton.disabled = connected;
    this.disconnectButton.disabled = !connected;
    this.messageInput.disabled = !connected;
    this.sendButton.disabled = !connected;
    this.streamButton.disabled = !connected;
  }
}
