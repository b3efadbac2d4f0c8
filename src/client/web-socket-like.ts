/** The part of the WHATWG `WebSocket` the client uses (browsers, Node 22's global, or `ws`). */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A `WebSocket` constructor (`globalThis.WebSocket`, or `ws`'s default export in Node 20). */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** The WebSocket of this platform: the global one, else the `ws` package (Node 20). */
export async function findWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  const name = 'ws';
  const loaded = (await import(/* @vite-ignore */ name)) as { default: WebSocketConstructor };
  return loaded.default;
}

/** The HTTP status of a refused handshake, when the platform tells it (`ws` does). */
export function refusalStatus(event: unknown): number | undefined {
  const record = event as { message?: unknown; error?: { message?: unknown } } | undefined;
  const message = String(record?.error?.message ?? record?.message ?? '');
  const match = /Unexpected server response: (\d{3})/.exec(message);
  return match ? Number(match[1]) : undefined;
}
