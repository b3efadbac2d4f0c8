/** Backends the scale-out scenario runs its instances on. */
export type ScaleOutBackend = 'redis' | 'redis-cluster' | 'nats';

/** The WebSocket route of the scale-out app: greets `{ instance }`, then joins the room sent. */
export const SCALE_OUT_PATH = 'scale';

/** Commands of the scenario to one instance (relayed by the primary). */
export type ScaleOutCommand =
  | {
      readonly id: number;
      readonly worker: number;
      readonly cmd: 'publish';
      readonly rooms: readonly string[];
      readonly seq: number;
    }
  | { readonly id: number; readonly worker: number; readonly cmd: 'stats' };

/** Replies of an instance (or the primary). */
export type ScaleOutReply =
  | { readonly type: 'ready'; readonly port: number; readonly workers: number }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'published'; readonly id: number }
  | {
      readonly type: 'stats';
      readonly id: number;
      /** User + system CPU of the instance process, in microseconds. */
      readonly cpuMicros: number;
      /** Broadcasts of other instances this one decoded from room channels. */
      readonly decodedRoom: number;
      /** Broadcasts of other instances this one decoded from the global channel. */
      readonly decodedGlobal: number;
      /** Room channels the instance is subscribed to. */
      readonly subscribedRooms: number;
      /** Local connections. */
      readonly connections: number;
    };
