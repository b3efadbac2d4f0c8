import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchSocket } from '../../../../bench/load/bench-socket.js';
import { payloadOf } from '../../../../bench/bench-config.js';
import { payloadFor } from '../../../../bench/scenarios/gateway-broadcast.scenario.js';
import type { BenchServer } from '../../../../bench/server/bench-server.js';
import { CONTENDERS, type ContenderId } from '../../../../bench/server/contenders.js';
import { waitFor } from '../../../support/wait-for.js';

/** Opens a client of `contender` on `endpoint` that keeps every application message it gets. */
async function client(
  server: BenchServer,
  contender: ContenderId,
  endpoint: 'echo' | 'fan',
): Promise<{ socket: BenchSocket; received: string[] }> {
  const received: string[] = [];
  const socket = new BenchSocket({
    port: server.port,
    dialect: CONTENDERS[contender].dialect,
    endpoint,
    onMessage: (data) => received.push(data.toString()),
  });
  await socket.ready;
  return { socket, received };
}

/** The reply each dialect's `chat.send` gets for request `id` with text `text`. */
const EXPECTED_REPLY: Partial<Record<ContenderId, (id: number, text: string) => unknown>> = {
  'forge-gateway': (id, text) => ({ id, data: { ok: true, text } }),
  'socket.io-ack': (id, text) => `43${id}${JSON.stringify([{ ok: true, text }])}`,
  'nest-chat': (id, text) => ({ event: 'chat.send', data: { id, ok: true, text } }),
};

function parsed(contender: ContenderId, frame: string): unknown {
  return contender === 'socket.io-ack' ? frame : (JSON.parse(frame) as unknown);
}

for (const contender of ['forge-gateway', 'socket.io-ack', 'nest-chat'] as const) {
  test(`${contender}: every chat.send request gets its own reply from the handler`, async () => {
    const server = await CONTENDERS[contender].start();
    try {
      const { socket, received } = await client(server, contender, 'echo');
      socket.sendEcho('hello');
      socket.sendEcho('world');
      await waitFor(() => received.length === 2, 'two replies');
      assert.deepEqual(
        received.map((frame) => parsed(contender, frame)),
        [EXPECTED_REPLY[contender]?.(1, 'hello'), EXPECTED_REPLY[contender]?.(2, 'world')],
      );
      socket.terminate();
    } finally {
      await server.close();
    }
  });
}

for (const contender of ['forge-gateway', 'socket.io-ack', 'ws-frame-once'] as const) {
  test(`${contender}: a room broadcast reaches every subscriber as a message of the common length`, async () => {
    const server = await CONTENDERS[contender].start();
    try {
      const clients = [
        await client(server, contender, 'fan'),
        await client(server, contender, 'fan'),
      ];
      const frameBytes = 94;
      server.broadcast(payloadOf(7, payloadFor(contender, frameBytes)));
      await waitFor(() => clients.every((c) => c.received.length === 1), 'one message each');
      for (const { received, socket } of clients) {
        assert.equal(Buffer.byteLength(received[0]), frameBytes);
        assert.match(received[0], /s:7:x+/);
        socket.terminate();
      }
    } finally {
      await server.close();
    }
  });
}
