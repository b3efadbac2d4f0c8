import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  busPayloadOrigin,
  decodeBusBody,
  encodeBusPayload,
} from '../../../../src/adapters/nats/nats-bus.codec.js';

test('the origin is read without parsing the body; the body round-trips', () => {
  const raw = encodeBusPayload('instance-1', { a: 1, text: 'line\nbreak' });
  assert.equal(busPayloadOrigin(raw), 'instance-1');
  assert.deepEqual(decodeBusBody(raw), { a: 1, text: 'line\nbreak' });
});

test('malformed payloads decode to undefined, never throw', () => {
  for (const raw of ['', 'no newline', 'x\n', 'x\n{', 'x\n[1]', 'x\nnull', 'x\n"s"', 'x\n42']) {
    assert.equal(decodeBusBody(raw), undefined, JSON.stringify(raw));
  }
  assert.equal(busPayloadOrigin('no newline'), '');
});
