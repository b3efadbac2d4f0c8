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

describe('JSON reply fast path', () => {
  it('writes exactly the bytes JSON.stringify gives for the reply envelope', () => {
    class WithToJson {
      toJSON(): string {
        return 'custom';
      }
    }
    const ids = [0, 7, -3, 1.5, 1e21, 'a', 'quo"te\\', 'ünï\u2028'];
    const values: unknown[] = [
      undefined,
      null,
      0,
      'text',
      { text: 'hi', n: [1, 2, { deep: true }] },
      [undefined, () => 1],
      () => 1,
      Symbol('s'),
      new WithToJson(),
      new Date(0),
    ];
    assert.ok(jsonEnvelopeCodec.encodeReply, 'the JSON codec has the fast path');
    for (const id of ids) {
      for (const data of values) {
        const expected = JSON.stringify(data === undefined ? { id } : { id, data });
        assert.equal(jsonEnvelopeCodec.encodeReply(id, data), expected, `id ${String(id)}`);
      }
    }
  });

  it('throws like JSON.stringify on values it cannot serialize', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => jsonEnvelopeCodec.encodeReply?.(1, cyclic), TypeError);
    assert.throws(() => jsonEnvelopeCodec.encodeReply?.(1, { big: 1n }), TypeError);
  });
});
