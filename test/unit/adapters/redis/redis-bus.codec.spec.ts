import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  busMessageOrigin,
  decodeBusMessage,
  encodeBusMessage,
  type BusMessage,
} from '../../../../src/adapters/redis/redis-bus.codec.js';

test('bus messages survive encoding, and the origin is readable without parsing', () => {
  const messages: BusMessage[] = [
    {
      kind: 'broadcast',
      origin: 'a',
      envelope: {
        id: 'b1',
        origin: 'a',
        message: { type: 'text', text: 'hi\nthere', event: 'ev' },
        filters: [{ kind: 'room', room: 'r' }],
        sseIds: { '/events': '1-0' },
      },
    },
    {
      kind: 'presence',
      origin: 'a',
      event: {
        type: 'join',
        room: 'r',
        member: { connectionId: 'c', userId: 'u', instanceId: 'a' },
      },
    },
    { kind: 'command', origin: 'b', command: { type: 'join', connectionId: 'c', room: 'r' } },
    { kind: 'gap', origin: 'c' },
  ];
  for (const message of messages) {
    const raw = encodeBusMessage(message);
    assert.equal(busMessageOrigin(raw), message.origin);
    assert.deepEqual(decodeBusMessage(raw), message);
  }
});

test('malformed bus messages decode to undefined', () => {
  for (const raw of ['', 'a', 'a\nb', 'a\nb\n{}', 'a\nx\n{}', 'a\nc\nnot json', 'a\nc\n42']) {
    assert.equal(decodeBusMessage(raw), undefined, raw);
  }
});
