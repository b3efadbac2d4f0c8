import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketRoute, type WebSocketConnection } from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { RawWebSocket } from '../../support/raw-websocket.js';
import { delay, waitFor } from '../../support/wait-for.js';
import { settledMemory } from './heap.js';

// Also covered: message rate over `messageRateLimit` → 1008 (web-socket-limits.spec.ts),
// handshake rate per client with StreamingRateLimitGuard → 429 (web-socket/guards.spec.ts),
// reconnect storms during shutdown (shutdown.spec.ts), WebTransport floods
// (webtransport-floods.spec.ts).

const PING = 0x9;
const KIB = 1024;
const MIB = 1024 * KIB;

@Controller()
class QuietController {
  @WebSocketRoute('quiet')
  quiet(conn: WebSocketConnection): void {
    conn.keepOpen();
  }
}

/** The raw client's socket, to stop reading from it. */
function socketOf(raw: RawWebSocket): Socket {
  return (raw as unknown as { socket: Socket }).socket;
}

describe('WebSocket floods', () => {
  let app: StreamingTestApp;
  before(async () => {
    app = await createStreamingTestApp({ controllers: [QuietController] });
  });
  after(async () => {
    await app.close();
  });

  test('a ping flood from a peer that never reads its pongs: server memory stays bounded', async () => {
    const peers = 4;
    const pings = 40_000;
    const raws = await Promise.all(
      Array.from({ length: peers }, () => RawWebSocket.connect(app.port, '/quiet')),
    );
    for (const raw of raws) socketOf(raw).pause();
    const before = settledMemory();
    const ping = RawWebSocket.frame(PING, Buffer.alloc(125, 7));
    const burst = Buffer.concat(Array.from({ length: 1000 }, () => ping));
    for (let sent = 0; sent < pings; sent += 1000) {
      for (const raw of raws) raw.write(burst);
      await delay(5);
    }
    await delay(300);
    const growth = (settledMemory() - before) / peers;
    const upload = (pings * ping.length) / MIB;
    assert.ok(
      growth < 2 * MIB,
      `server memory grew by ${Math.round(growth / KIB)} KiB per peer for ${upload.toFixed(1)} MiB of pings`,
    );
    for (const raw of raws) raw.destroy();
    await waitFor(() => app.manager.getStats().activeConnections === 0, 'all closed');
  });
});
