import { Socket } from 'node:net';

interface SocketWrites {
  _write(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void;
  _writev(chunks: unknown[], callback: (error?: Error | null) => void): void;
}

let writes: number | undefined;

/**
 * Counts every `net.Socket` write handed to the operating system from now on: each `_write`
 * (one `write`) and each `_writev` (one vectored write of several chunks). Installed once per
 * server process, before its server starts; a server that does not install it reports none.
 */
export function installWriteCounter(): void {
  if (writes !== undefined) return;
  writes = 0;
  const proto = Socket.prototype as unknown as SocketWrites;
  const write = proto._write;
  const writev = proto._writev;
  proto._write = function countedWrite(this: SocketWrites, chunk, encoding, callback) {
    writes = (writes ?? 0) + 1;
    write.call(this, chunk, encoding, callback);
  };
  proto._writev = function countedWritev(this: SocketWrites, chunks, callback) {
    writes = (writes ?? 0) + 1;
    writev.call(this, chunks, callback);
  };
}

/** Socket writes counted since {@link installWriteCounter}, or `undefined` when not installed. */
export function socketWrites(): number | undefined {
  return writes;
}
