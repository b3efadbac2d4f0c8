/**
 * Why a room could not be recovered: `too-old` (events after the offset were trimmed),
 * `epoch-changed` (the room's log was lost or restarted since that offset), `unknown-room` (the
 * room keeps no history), `forbidden` (the connection is not a member of the room), or
 * `unavailable` (the history backend did not answer). Shared by the server and `./client`.
 */
export type RecoveryFailureReason =
  'too-old' | 'epoch-changed' | 'unknown-room' | 'forbidden' | 'unavailable';

/** The data of a `$recovered` event: the outcome of one room's recovery. */
export type RecoveredData =
  | { readonly room: string; readonly recovered: true }
  | { readonly room: string; readonly recovered: false; readonly reason: RecoveryFailureReason };
