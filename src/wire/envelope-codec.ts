import { asEnvelope, JSON_SUBPROTOCOL, type Envelope } from './envelope.js';

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
}

const textDecoder = new TextDecoder();

/** The default codec: one JSON text frame per envelope. */
export const jsonEnvelopeCodec: EnvelopeCodec = {
  subprotocol: JSON_SUBPROTOCOL,
  binary: false,
  encode: (envelope) => JSON.stringify(envelope),
  decode(frame) {
    try {
      return asEnvelope(JSON.parse(typeof frame === 'string' ? frame : textDecoder.decode(frame)));
    } catch {
      return undefined;
    }
  },
};
