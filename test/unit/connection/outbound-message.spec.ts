import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as wsModule from 'ws';
import { OutboundMessage } from '../../../src/connection/outbound-message.js';
import { StreamEvent } from '../../../src/connection/stream-event.js';
import { FrameDecoder } from '../../../src/wire/web-transport-frame.codec.js';

interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, binary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean }) => FrameReceiver;
};

function parseServerFrame(frame: Buffer): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, binary: boolean) => resolve({ data, binary }));
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('OutboundMessage', () => {
  test('strings are text, bytes binary, other values JSON text', () => {
    assert.equal(OutboundMessage.from('hi').text, 'hi');
    assert.equal(OutboundMessage.from({ a: 1 }).text, '{"a":1}');
    assert.equal(OutboundMessage.from(undefined).text, 'null');
    assert.equal(OutboundMessage.from(new Uint8Array([1, 2])).binary, true);
    const event = OutboundMessage.from(new StreamEvent('update', { n: 1 }));
    assert.equal(event.event, 'update');
    assert.equal(event.text, '{"n":1}');
  });

  test('the WebSocket frame is computed once and parses back to the payload', async () => {
    const message = OutboundMessage.from({ hello: 'wörld' });
    const frame = message.webSocketFrame();
    assert.equal(message.webSocketFrame(), frame, 'same buffer on every call');
    const parsed = await parseServerFrame(frame);
    assert.equal(parsed.binary, false);
    assert.equal(parsed.data.toString(), '{"hello":"wörld"}');
    const big = OutboundMessage.binary(Buffer.alloc(70_000, 7));
    const bigParsed = await parseServerFrame(big.webSocketFrame());
    assert.equal(bigParsed.binary, true);
    assert.equal(bigParsed.data.length, 70_000);
  });

  test('the SSE data lines and the WebTransport frame are cached and correct', () => {
    const message = OutboundMessage.text('line one\nline two');
    assert.equal(message.sseData(), 'data: line one\ndata: line two\n');
    assert.equal(message.sseData(), message.sseData());
    const frames = new FrameDecoder().push(message.webTransportFrame());
    assert.equal(Buffer.from(frames[0]).toString(), 'line one\nline two');
  });

  test('survives a round trip through the wire form', () => {
    for (const original of [
      OutboundMessage.text('t', 'ev'),
      OutboundMessage.binary(Buffer.from([9, 8, 7])),
    ]) {
      const back = OutboundMessage.fromWire(JSON.parse(JSON.stringify(original.toWire())));
      assert.equal(back.binary, original.binary);
      assert.equal(back.event, original.event);
      assert.deepEqual(back.bytes, original.bytes);
    }
  });

  test('a text with its bytes at hand frames, and reads as, the same text message', () => {
    const text = 'héllo ✓';
    const echo = OutboundMessage.textWithBytes(text, Buffer.from(text, 'utf8'));
    assert.equal(echo.binary, false);
    assert.equal(echo.text, text);
    assert.deepEqual(echo.webSocketFrame(), OutboundMessage.text(text).webSocketFrame());
    assert.equal(echo.sseData(), OutboundMessage.text(text).sseData());
  });
});
