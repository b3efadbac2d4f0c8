/** Fewest fragments a message may always be split into. */
const MIN_FRAGMENTS = 64;
/** Bytes of message size allowed per fragment when the limit is derived. */
const BYTES_PER_FRAGMENT = 1024;

/**
 * The fragment limit derived from a message size limit: one fragment per KiB, at least 64. An
 * unfinished message then holds at most `maxMessageSize` bytes of payload plus about 100 bytes
 * per fragment, instead of the thousands of one-byte fragments a peer could otherwise send.
 */
export function fragmentsFor(maxMessageSize: number): number {
  return Math.max(MIN_FRAGMENTS, Math.ceil(maxMessageSize / BYTES_PER_FRAGMENT));
}
