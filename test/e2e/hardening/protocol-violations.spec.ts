import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketRoute, type WebSocketConnection } from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { RawWebSocket } from '../../support/raw-websocket.js';

// Also covered, in test/e2e/web-socket/web-socket-core.spec.ts ("protocol abuse on a raw
// socket"): unmasked client frame, reserved opcode, fragmented control frame, reserved bit
// without an extension, invalid UTF-8 in a text frame; oversize messages (1009) in
// web-socket-limits.spec.ts; fragment floods in bombs.spec.ts.

const TEXT = 0x1;
const CONTINUATION = 0x0;
const CLOSE = 0x8;
const PING = 0x9;

@Controller()
class EchoController {
  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn) await conn.writeMessage(message.type, message.data);
  }
}

function closePayload(code: number, reason: Buffer = Buffer.alloc(0)): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return Buffer.concat([payload, reason]);
}

const cases: { name: string; frames: Buffer[]; code: number }[] = [
  {
    name: 'a ping with a 126-byte payload (control frames carry at most 125)',
    frames: [RawWebSocket.frame(PING, Buffer.alloc(126, 1))],
    code: 1002,
  },
  {
    name: 'a continuation frame with no message started',
    frames: [RawWebSocket.frame(CONTINUATION, Buffer.from('x'))],
    code: 1002,
  },
  {
    name: 'a new text frame while a fragmented message is unfinished',
    frames: [
      RawWebSocket.frame(TEXT, Buffer.from('a'), { fin: false }),
      RawWebSocket.frame(TEXT, Buffer.from('b')),
    ],
    code: 1002,
  },
  {
    name: 'a close frame with code 999',
    frames: [RawWebSocket.frame(CLOSE, closePayload(999))],
    code: 1002,
  },
  {
    name: 'a close frame with the reserved code 1005',
    frames: [RawWebSocket.frame(CLOSE, closePayload(1005))],
    code: 1002,
  },
  {
    name: 'a close frame with code 5000',
    frames: [RawWebSocket.frame(CLOSE, closePayload(5000))],
    code: 1002,
  },
  {
    name: 'a close frame with a one-byte payload',
    frames: [RawWebSocket.frame(CLOSE, Buffer.from([3]))],
    code: 1002,
  },
  {
    name: 'a close reason that is not UTF-8',
    frames: [RawWebSocket.frame(CLOSE, closePayload(1000, Buffer.from([0xc3, 0x28])))],
    code: 1007,
  },
  {
    name: 'invalid UTF-8 split across the fragments of a text message',
    frames: [
      RawWebSocket.frame(TEXT, Buffer.from([0x61, 0xe2]), { fin: false }),
      RawWebSocket.frame(CONTINUATION, Buffer.from([0x28, 0xa1])),
    ],
    code: 1007,
  },
];

describe('WebSocket protocol violations', () => {
  let app: StreamingTestApp;
  before(async () => {
    app = await createStreamingTestApp({ controllers: [EchoController] });
  });
  after(async () => {
    await app.close();
  });

  for (const { name, frames, code } of cases) {
    test(`${name} closes with ${code}, and the server keeps serving`, async () => {
      const raw = await RawWebSocket.connect(app.port, '/echo');
      for (const frame of frames) raw.write(frame);
      assert.equal(await raw.readCloseCode(2_000), code, name);
      raw.destroy();
      await app.test().webSocket('/echo').send('ok').expectMessage('ok').close();
    });
  }

  test('a valid close code from the peer is echoed back (the control case)', async () => {
    const raw = await RawWebSocket.connect(app.port, '/echo');
    raw.write(RawWebSocket.frame(CLOSE, closePayload(4000, Buffer.from('bye'))));
    assert.equal(await raw.readCloseCode(2_000), 4000);
    raw.destroy();
  });
});
