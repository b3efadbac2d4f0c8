import type { CpuBreakdown } from './report/cpu-breakdown.js';

/** Commands the load generator sends to a server process over IPC. */
export type ServerCommand =
  | { readonly cmd: 'broadcast'; readonly seq: number; readonly size: number }
  | { readonly cmd: 'usage'; readonly id: number; readonly gc: boolean }
  | { readonly cmd: 'profile'; readonly id: number; readonly action: 'start' | 'stop' }
  | { readonly cmd: 'stop'; readonly id: number };

/** CPU and memory of the server process. */
export interface ServerUsage {
  /** `process.cpuUsage()` user + system, microseconds. */
  readonly cpuMicros: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Socket writes (`_write` + `_writev` calls) so far, when the server counts them. */
  readonly socketWrites?: number;
}

/** Messages a server process sends back. */
export type ServerReply =
  | {
      readonly type: 'ready';
      readonly port: number;
      readonly webTransport?: { readonly url: string; readonly certificateHash: string };
    }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'usage'; readonly id: number; readonly usage: ServerUsage }
  | { readonly type: 'profile'; readonly id: number; readonly breakdown?: CpuBreakdown }
  | { readonly type: 'stopped'; readonly id: number };
