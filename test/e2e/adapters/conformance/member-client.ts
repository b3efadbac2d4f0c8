import WebSocket from 'ws';

/** A WebSocket member of the conformance app, recording every message (JSON) and its close code. */
export class MemberClient {
  readonly received: unknown[] = [];
  closeCode: number | undefined;
  id = '';

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as unknown));
    ws.on('close', (code) => (this.closeCode = code));
  }

  /** Connects to `/conf/<route>/<room>?<query>` and waits for the greeting with the connection id. */
  static async connect(
    port: number,
    room: string,
    query: Record<string, string> = {},
    route: 'ws' | 'alt' = 'ws',
  ): Promise<MemberClient> {
    const search = new URLSearchParams(query).toString();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/conf/${route}/${room}?${search}`);
    const client = new MemberClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`closed with ${code} before the greeting`)));
    });
    client.id = (client.received.shift() as { id: string }).id;
    return client;
  }

  /** Messages whose `case` field is `name`. */
  cases(name: string): unknown[] {
    return this.received.filter((m) => (m as { case?: unknown }).case === name);
  }

  /** Closes and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.ws.once('close', resolve));
    this.ws.close();
    await closed;
  }
}
