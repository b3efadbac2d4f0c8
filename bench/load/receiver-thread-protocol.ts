import type { WireDialect } from '../server/contenders.js';
import type { Endpoint } from './bench-socket.js';

/** What a receiver thread is started with. */
export interface ReceiverThreadData {
  /** The {@link BroadcastLedger}'s memory. */
  readonly ledger: SharedArrayBuffer;
  readonly port: number;
  readonly dialect: WireDialect;
  readonly endpoint: Endpoint;
  readonly token?: string;
  /** Clients this thread opens and reads. */
  readonly clients: number;
}

/** What the pool asks of a receiver thread. */
export type ReceiverThreadCommand =
  { readonly type: 'begin' } | { readonly type: 'tally' } | { readonly type: 'close' };

/** What a receiver thread tells the pool. */
export type ReceiverThreadReply =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'begun' }
  /** Broadcast `seq` reached its last receiver, here. */
  | { readonly type: 'complete'; readonly seq: number }
  | { readonly type: 'tally'; readonly deliveries: number; readonly histogram: string }
  | { readonly type: 'closed' };
