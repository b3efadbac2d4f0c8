import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder } from '../../../src/client/index.js';

test('frames split across chunks and several frames in one chunk decode in order', () => {
  const frames = [encodeFrame('hello'), encodeFrame(new Uint8Array([1, 2, 3])), encodeFrame('')];
  const all = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0));
  let offset = 0;
  for (const frame of frames) {
    all.set(frame, offset);
    offset += frame.byteLength;
  }
  const decoder = new FrameDecoder();
  const out: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += 3) out.push(...decoder.push(all.slice(i, i + 3)));
  assert.equal(out.length, 3);
  assert.equal(new TextDecoder().decode(out[0]), 'hello');
  assert.deepEqual([...out[1]], [1, 2, 3]);
  assert.equal(out[2].byteLength, 0);
  assert.equal(decoder.bufferedBytes, 0);
});

test('a frame longer than the limit is rejected', () => {
  const decoder = new FrameDecoder(4);
  assert.throws(() => decoder.push(encodeFrame('too long')), /exceeds the limit/);
});
