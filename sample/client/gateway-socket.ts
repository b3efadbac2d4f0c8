import { parseJson } from './dom.js';

/** The `error` of an error reply. */
export interface GatewayError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** The outcome of a request: its data, or the error the server answered with. */
export type GatewayReply = { ok: true; data: unknown } | { ok: false; error: GatewayError };

type Listener = (data: unknown) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The message envelope of an event gateway over a browser WebSocket (JSON text): `emit`,
 * `request` (the reply correlated by `id`) and `on(event)`. Frames that are not envelopes (plain
 * broadcasts) go to `onOther`.
 */
export class GatewaySocket {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: GatewayReply) => void>();
  private readonly listeners = new Map<string, Listener>();
  onOther: (value: unknown) => void = () => undefined;

  constructor(readonly socket: WebSocket) {
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (typeof event.data === 'string') this.receive(parseJson(event.data));
    });
    socket.addEventListener('close', () => {
      for (const resolve of this.pending.values()) {
        resolve({ ok: false, error: { status: 0, code: 'CLOSED', message: 'connection closed' } });
      }
      this.pending.clear();
    });
  }

  on(event: string, listener: Listener): void {
    this.listeners.set(event, listener);
  }

  emit(event: string, data: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN)
      this.socket.send(JSON.stringify({ event, data }));
  }

  request(event: string, data: unknown): Promise<GatewayReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ event, data, id }));
    });
  }

  private receive(value: unknown): void {
    if (!isRecord(value)) {
      this.onOther(value);
      return;
    }
    if (typeof value.event === 'string') {
      this.listeners.get(value.event)?.(value.data);
      return;
    }
    const resolve = typeof value.id === 'number' ? this.pending.get(value.id) : undefined;
    if (resolve === undefined) {
      this.onOther(value);
      return;
    }
    this.pending.delete(value.id as number);
    if (isRecord(value.error))
      resolve({ ok: false, error: value.error as unknown as GatewayError });
    else resolve({ ok: true, data: value.data });
  }
}

/** One line for an error reply: its message and, for validation, why. */
export function describeGatewayError(error: GatewayError): string {
  const details = Array.isArray(error.details) ? `: ${error.details.join('; ')}` : '';
  return `${error.code} (${error.status}) ${error.message}${details}`;
}
