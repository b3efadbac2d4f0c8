import type { LibraryBidiStream, LibrarySession } from './web-transport-library.interface.js';

/**
 * The library reads every stream eagerly: once a stream's readable has started, it moves all
 * arriving bytes into the readable's queue and returns their flow-control credit, whether anyone
 * reads or not, so a peer writing to a stream nobody reads grows the server's memory without
 * bound. Its stream objects do have `stopReading()` (the next `read()` restarts reading through
 * the readable's `pull`), so calling it after each read gives the stream the backpressure of its
 * flow-control window: unread bytes stay unacknowledged and the peer stops sending.
 */

/** A library stream object exposing its transport half (`objint`). */
interface PausableStreamObject {
  readonly readable?: unknown;
  readonly objint?: { stopReading?(): void };
}

/** Stops the library from reading further; no-op when the library has no such hook. */
export type ReadPause = () => void;

const NO_PAUSE: ReadPause = () => undefined;

function pauseOf(object: PausableStreamObject | undefined): ReadPause {
  const inner = object?.objint;
  if (typeof inner?.stopReading !== 'function') return NO_PAUSE;
  return () => {
    try {
      inner.stopReading?.();
    } catch {
      // The stream ended meanwhile.
    }
  };
}

/** The pause of a bidirectional stream (the library hands out its stream object itself). */
export function pauseOfBidiStream(stream: LibraryBidiStream): ReadPause {
  return pauseOf(stream as PausableStreamObject);
}

/**
 * The pause of an incoming unidirectional stream: the library hands out only the readable, so
 * its stream object is looked up among the session's streams.
 */
export function pauseOfUniStream(
  session: LibrarySession,
  readable: ReadableStream<Uint8Array>,
): ReadPause {
  const streams = (session as { streamObjs?: Iterable<PausableStreamObject> }).streamObjs;
  if (!streams || typeof streams[Symbol.iterator] !== 'function') return NO_PAUSE;
  for (const object of streams) {
    if (object.readable === readable) return pauseOf(object);
  }
  return NO_PAUSE;
}
