import { Packr } from 'msgpackr';

import { asEnvelope, MSGPACK_SUBPROTOCOL } from './envelope.js';
import type { EnvelopeCodec } from './envelope-codec.js';

const packr = new Packr({ useRecords: false, moreTypes: false });

/** MessagePack binary frames (`msgpackr`), chosen by the `forge.v1.msgpack` subprotocol. */
export const msgpackEnvelopeCodec: EnvelopeCodec = {
  subprotocol: MSGPACK_SUBPROTOCOL,
  binary: true,
  encode: (envelope) => packr.pack(envelope),
  decode(frame) {
    if (typeof frame === 'string') return undefined;
    try {
      return asEnvelope(packr.unpack(frame));
    } catch {
      return undefined;
    }
  },
};
