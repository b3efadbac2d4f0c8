import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { jsonEnvelopeCodec } from '../../../src/wire/envelope-codec.js';
import { msgpackEnvelopeCodec } from '../../../src/wire/msgpack-envelope.codec.js';

for (const codec of [jsonEnvelopeCodec, msgpackEnvelopeCodec]) {
  describe(`${codec.subprotocol} envelope codec`, () => {
    it('round-trips events, replies and error replies', () => {
      const envelopes = [
        { event: 'chat.send', data: { text: 'hi' }, id: 7 },
        { event: 'chat.message', data: { text: 'x' }, room: 'lobby', offset: 'e1:3' },
        { id: 'a', data: [1, 2] },
        { id: 9, error: { status: 400, code: 'BAD_MESSAGE', message: 'no' } },
      ];
      for (const envelope of envelopes) {
        const frame = codec.encode(envelope);
        assert.equal(typeof frame !== 'string', codec.binary);
        assert.deepEqual(codec.decode(frame), envelope);
      }
    });

    it('answers undefined for frames that are not envelopes', () => {
      const junk: (string | Uint8Array)[] = [
        'not json',
        '[1,2]',
        '{"event":""}',
        new Uint8Array([0xc1]),
        codec.encode({ id: 1, error: { status: 'x' } } as never),
      ];
      for (const frame of junk) assert.equal(codec.decode(frame), undefined);
    });
  });
}
