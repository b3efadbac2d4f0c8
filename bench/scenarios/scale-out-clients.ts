import WebSocket from 'ws';
import { SCALE_OUT_PATH } from './scale-out-protocol.js';

const CONNECT_LIMIT_MS = 10_000;

/** One client of the scale-out app: knows its instance and counts the broadcasts it gets. */
export class ScaleOutClient {
  /** Broadcasts received since joining. */
  received = 0;
  private onJoined: (() => void) | undefined;

  private constructor(
    private readonly ws: WebSocket,
    /** The instance the connection landed on. */
    readonly instance: number,
    private readonly onBroadcast: () => void,
  ) {
    ws.on('message', (data: Buffer) => {
      if (this.onJoined) {
        const joined = this.onJoined;
        this.onJoined = undefined;
        joined();
        return;
      }
      this.received += 1;
      this.onBroadcast();
      void data;
    });
  }

  /** Connects and waits for the greeting naming the instance. */
  static connect(port: number, onBroadcast: () => void): Promise<ScaleOutClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/${SCALE_OUT_PATH}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no greeting within 10 s'));
      }, CONNECT_LIMIT_MS);
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.once('message', (data: Buffer) => {
        clearTimeout(timer);
        const { instance } = JSON.parse(data.toString()) as { instance: number };
        resolve(new ScaleOutClient(ws, instance, onBroadcast));
      });
    });
  }

  /** Joins `room` and waits for the instance to confirm. */
  join(room: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no join of ${room} within 10 s`)), 10_000);
      this.onJoined = () => {
        clearTimeout(timer);
        resolve();
      };
      this.ws.send(room);
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * Assigns clients to rooms so that each room's members sit on two instances (`r mod n` and
 * `r + 1 mod n`; one when n = 1), taking another instance's client when one runs short.
 * Returns, per room, its members.
 */
export function placeInRooms<T extends { readonly instance: number }>(
  clients: readonly T[],
  rooms: number,
  instances: number,
): T[][] {
  const pools = Array.from({ length: instances }, (_, i) =>
    clients.filter((c) => c.instance === i),
  );
  const stray = clients.filter((c) => c.instance < 0 || c.instance >= instances);
  const take = (preferred: number): T | undefined =>
    pools[preferred].pop() ?? pools.find((pool) => pool.length > 0)?.pop() ?? stray.pop();
  const placed: T[][] = Array.from({ length: rooms }, () => []);
  for (let k = 0; k < clients.length; k += 1) {
    const room = k % rooms;
    const slot = Math.floor(k / rooms);
    const client = take((room + (slot % 2)) % instances);
    if (client) placed[room].push(client);
  }
  return placed;
}
