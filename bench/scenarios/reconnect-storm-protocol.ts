/** The room every storm client is in. */
export const STORM_ROOM = 'storm';
/** The event published to it. */
export const STORM_EVENT = 'tick';
/** The gateway path of the library's storm server. */
export const STORM_PATH = 'storm';

/** Which server a storm runs against. */
export type StormContender = 'forge' | 'socket.io';

/** Commands the scenario sends to the storm server process. */
export type StormCommand =
  | { readonly cmd: 'members'; readonly id: number }
  | { readonly cmd: 'publish'; readonly id: number; readonly text: string }
  | { readonly cmd: 'drop'; readonly id: number; readonly missed: number }
  | { readonly cmd: 'usage'; readonly id: number }
  | { readonly cmd: 'handshakes'; readonly id: number }
  | { readonly cmd: 'stop'; readonly id: number };

/** What the storm server answers. */
export type StormReply =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'members'; readonly id: number; readonly count: number }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'dropped'; readonly id: number; readonly dropped: number }
  | { readonly type: 'usage'; readonly id: number; readonly cpuMicros: number }
  | { readonly type: 'handshakes'; readonly id: number; readonly sinceDropMs: number[] };
