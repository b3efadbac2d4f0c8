import type { FlowControlWindows } from './web-transport-flow-control.js';

/**
 * The parts of `@fails-components/webtransport` this transport uses, typed structurally so the
 * library is only ever loaded at run time (dynamic `import()`), never at module load.
 */

/** A certificate hash as WebTransport clients take it. */
export interface LibraryCertificateHash {
  readonly algorithm: 'sha-256';
  readonly value: Uint8Array;
}

/** A bidirectional stream as the library exposes it (WHATWG streams). */
export interface LibraryBidiStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/** Datagrams as the library exposes them. */
export interface LibraryDatagrams {
  readonly readable: ReadableStream<Uint8Array>;
  /** Deprecated by the library (reading it logs a console warning); `createWritable` replaces it. */
  readonly writable: WritableStream<Uint8Array>;
  /** A writable for outgoing datagrams (newer library versions). */
  createWritable?(): WritableStream<Uint8Array>;
}

/** How a library session ended. */
export interface LibraryCloseInfo {
  readonly closeCode?: number;
  readonly reason?: string;
}

/** A server- or client-side WebTransport session of the library. */
export interface LibrarySession {
  readonly ready: Promise<unknown>;
  readonly closed: Promise<LibraryCloseInfo>;
  readonly userData?: Record<string, unknown>;
  readonly incomingBidirectionalStreams: ReadableStream<LibraryBidiStream>;
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  readonly datagrams?: LibraryDatagrams;
  createBidirectionalStream(): Promise<LibraryBidiStream>;
  createUnidirectionalStream(): Promise<WritableStream<Uint8Array>>;
  close(info?: { closeCode?: number; reason?: string }): void;
}

/** What the library hands to `onSessionRequest` (the raw request of a session). */
export interface LibrarySessionRequestEvent {
  readonly header: Record<string, string | string[] | undefined>;
  readonly peerAddress?: string;
  readonly protocol: 'capsule' | 'websocket' | 'websocketoverhttp1' | 'http3' | string;
  /** The HTTP/2 stream, or the raw socket for `websocketoverhttp1`. */
  readonly session?: unknown;
  readonly [key: string]: unknown;
}

/** The answer to a session request. */
export interface LibrarySessionDecision {
  readonly status: number;
  readonly path: string;
  readonly userData?: Record<string, unknown>;
}

/** Options of the library's servers (the flow-control windows included). */
export interface LibraryServerOptions extends FlowControlWindows {
  readonly port: number;
  readonly host: string;
  readonly secret: string;
  readonly cert: string;
  readonly privKey: string;
}

/** The library's `HttpServer` / `Http2Server`. */
export interface LibraryServer {
  readonly ready: Promise<unknown>;
  readonly closed: Promise<unknown>;
  requestHandler: unknown;
  transportInt: {
    finishSessionRequest(args: Record<string, unknown>): void;
  };
  startServer(): void;
  stopServer(): void;
  address(): { port: number; host: string } | null;
  setRequestCallback(
    callback: (args: { header: Record<string, unknown> }) => Promise<LibrarySessionDecision>,
  ): void;
  sessionStream(path: string): ReadableStream<LibrarySession>;
  onSessionRequest(args: LibrarySessionRequestEvent): void;
}

/** Constructor of a library server. */
export type LibraryServerClass = new (options: LibraryServerOptions) => LibraryServer;

/** The library's Node module. */
export interface WebTransportLibrary {
  readonly Http2Server: LibraryServerClass;
  readonly HttpServer: LibraryServerClass;
  readonly quicheLoaded: Promise<unknown>;
}
