/** The subset of the W3C `WebTransport` object the client helpers use (native, ponyfill or Node). */
export interface WebTransportLike {
  readonly ready: Promise<unknown>;
  readonly closed: Promise<{ closeCode?: number; reason?: string } | undefined>;
  readonly incomingBidirectionalStreams: ReadableStream<WebTransportStreamPair>;
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  createBidirectionalStream(): Promise<WebTransportStreamPair>;
  createUnidirectionalStream(): Promise<WritableStream<Uint8Array>>;
  close(info?: { closeCode?: number; reason?: string }): void;
}

/** A bidirectional stream: a readable and a writable half. */
export interface WebTransportStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/** A certificate hash for `serverCertificateHashes` (value as hex or bytes). */
export interface CertificateHashInput {
  readonly algorithm: 'sha-256';
  readonly value: string | Uint8Array | ArrayBuffer;
}

/** Options of the `WebTransport` constructor the helpers pass on. */
export interface WebTransportInit {
  serverCertificateHashes?: { algorithm: 'sha-256'; value: Uint8Array<ArrayBuffer> }[];
  forceReliable?: boolean;
}

/** A `WebTransport` constructor. */
export type WebTransportConstructor = new (
  url: string,
  init?: WebTransportInit,
) => WebTransportLike;
