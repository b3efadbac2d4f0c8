import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as wsModule from 'ws';
import {
  frameWebSocketMessage,
  frameWebSocketText,
} from '../../../src/wire/web-socket-frame.codec.js';

interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, binary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver;
};

/** Parses frames with `ws`'s own client-side receiver: what a real peer would see. */
function parseServerFrames(bytes: Buffer): Promise<{ data: Buffer; binary: boolean }[]> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false, maxPayload: 0 });
    const messages: { data: Buffer; binary: boolean }[] = [];
    receiver.on('message', (data: Buffer, binary: boolean) => messages.push({ data, binary }));
    receiver.on('error', reject);
    receiver.write(bytes);
    setImmediate(() => resolve(messages));
  });
}

/** Payload sizes at each edge of the three length encodings (7-bit, 16-bit, 64-bit). */
const EDGE_SIZES = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];

describe('WebSocket frame encoding', () => {
  test('binary frames of every length encoding parse back to the payload', async () => {
    for (const size of EDGE_SIZES) {
      const payload = Buffer.alloc(size);
      for (let i = 0; i < size; i++) payload[i] = i % 251;
      const frame = frameWebSocketMessage(payload, true);
      const expectedHeader = size <= 125 ? 2 : size <= 65_535 ? 4 : 10;
      assert.equal(frame.length, expectedHeader + size, `frame size for ${size}`);
      const [message] = await parseServerFrames(frame);
      assert.equal(message.binary, true);
      assert.ok(message.data.equals(payload), `payload of ${size} bytes`);
    }
  });

  test('text frames encode the string straight into the frame, multi-byte characters included', async () => {
    for (const size of EDGE_SIZES) {
      // 'é' is two UTF-8 bytes and '€' three: the byte length, not the string length, decides.
      const text = 'é€a'.repeat(Math.ceil(size / 6)).slice(0, Math.max(0, size / 2));
      const frame = frameWebSocketText(text);
      const [message] = await parseServerFrames(frame);
      assert.equal(message.binary, false);
      assert.equal(message.data.toString('utf8'), text);
      assert.equal(
        frame.length - Buffer.byteLength(text),
        Buffer.byteLength(text) <= 125 ? 2 : Buffer.byteLength(text) <= 65_535 ? 4 : 10,
      );
    }
  });

  test('text framed from a string equals text framed from its bytes', () => {
    const text = '{"hello":"wörld","n":[1,2,3]}';
    assert.ok(frameWebSocketText(text).equals(frameWebSocketMessage(Buffer.from(text), false)));
  });

  test('consecutive frames in one buffer parse as separate messages', async () => {
    const bytes = Buffer.concat([
      frameWebSocketText('one'),
      frameWebSocketMessage(Buffer.from([1, 2, 3]), true),
      frameWebSocketText(''),
    ]);
    const messages = await parseServerFrames(bytes);
    assert.deepEqual(
      messages.map((m) => [m.binary, m.data.toString('hex')]),
      [
        [false, Buffer.from('one').toString('hex')],
        [true, '010203'],
        [false, ''],
      ],
    );
  });
});
