import { asEnvelope, JSON_SUBPROTOCOL, type Envelope, type MessageId } from './envelope.js';

/**
 * Turns envelopes into frames and back. Pure and browser-safe: shared by gateways and
 * `./client`. `decode` answers undefined for anything that is not an envelope (a `BAD_MESSAGE`).
 */
export interface EnvelopeCodec {
  /** The subprotocol that names this codec (`forge.v1.json`, `forge.v1.msgpack`). */
  readonly subprotocol: string;
  /** Whether frames are binary (MessagePack) or text (JSON). */
  readonly binary: boolean;
  /** Encodes one envelope into one frame. */
  encode(envelope: Envelope): string | Uint8Array;
  /** Decodes one frame, or undefined when it is not a valid envelope. */
  decode(frame: string | Uint8Array): Envelope | undefined;
  /**
   * Optional fast path for the most frequent frame, the reply `{ id, data }` (`data` omitted
   * when undefined): the same bytes as `encode`, built without an intermediate envelope.
   */
  encodeReply?(id: MessageId, data: unknown): string | Uint8Array;
}

const textDecoder = new TextDecoder();

/**
 * The JSON reply `{"id":…,"data":…}` from a prebuilt prefix: exactly what `JSON.stringify` gives
 * for the envelope (same key order; `data` left out when it serializes to nothing).
 */
export function encodeJsonReply(id: MessageId, data: unknown): string {
  // A finite number prints the same with String(); a string id needs JSON quoting and escapes.
  const head = `{"id":${typeof id === 'number' && Number.isFinite(id) ? String(id) : JSON.stringify(id)}`;
  if (data === undefined) return `${head}}`;
  const json: string | undefined = JSON.stringify(data);
  return json === undefined ? `${head}}` : `${head},"data":${json}}`;
}

/** The default codec: one JSON text frame per envelope. */
export const jsonEnvelopeCodec: EnvelopeCodec = {
  subprotocol: JSON_SUBPROTOCOL,
  binary: false,
  encode: (envelope) => JSON.stringify(envelope),
  encodeReply: encodeJsonReply,
  decode(frame) {
    try {
      return asEnvelope(JSON.parse(typeof frame === 'string' ? frame : textDecoder.decode(frame)));
    } catch {
      return undefined;
    }
  },
};
