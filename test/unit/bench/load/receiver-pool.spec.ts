import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { payloadOf } from '../../../../bench/bench-config.js';
import { BroadcastDriver } from '../../../../bench/load/broadcast-driver.js';
import { ReceiverPool } from '../../../../bench/load/receiver-pool.js';
import { waitFor } from '../../../support/wait-for.js';

/**
 * A plain `ws` server on loopback that broadcasts on request, as the benchmark's servers do.
 * Clients `admit` turns away get HTTP 401 after 100 ms (the admitted ones are open by then).
 */
async function broadcastServer(admit: () => boolean = () => true): Promise<{
  port: number;
  broadcast(seq: number, size: number): void;
  connections(): number;
  opened(): number;
  close(): Promise<void>;
}> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, answer) => {
      if (admit()) answer(true);
      else setTimeout(() => answer(false, 401), 100);
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let opened = 0;
  wss.on('connection', () => (opened += 1));
  return {
    port: (wss.address() as AddressInfo).port,
    broadcast(seq, size) {
      const payload = payloadOf(seq, size);
      for (const client of wss.clients) client.send(payload);
    },
    connections: () => wss.clients.size,
    opened: () => opened,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

test('receivers spread over worker threads count every delivery and complete every broadcast', async () => {
  const server = await broadcastServer();
  const pool = await ReceiverPool.open({
    port: server.port,
    dialect: 'plain',
    endpoint: 'fan',
    clients: 31,
    threads: 2,
  });
  try {
    for (let phase = 0; phase < 2; phase++) {
      const outcome = await new BroadcastDriver(server, pool, 4, 60).run(300);
      assert.ok(outcome.broadcasts > 4, 'completions reported by the threads let the driver go on');
      assert.equal(outcome.deliveries, outcome.broadcasts * 31);
      assert.equal(outcome.lost, 0);
      assert.equal(outcome.latency.count, outcome.deliveries, 'every delivery timed, once');
      assert.ok(outcome.latency.p99Ms > 0 && outcome.latency.p99Ms < 1000);
    }
  } finally {
    await pool.close();
    await server.close();
  }
});

test('a refused client fails the pool with the reason, and the clients already open are closed', async () => {
  let admitted = 0;
  const server = await broadcastServer(() => (admitted += 1) <= 3);
  try {
    await assert.rejects(
      ReceiverPool.open({
        port: server.port,
        dialect: 'plain',
        endpoint: 'fan',
        clients: 8,
        threads: 2,
      }),
      /refused with HTTP 401/,
    );
    assert.equal(server.opened(), 3, 'three clients were admitted');
    await waitFor(() => server.connections() === 0, 'the admitted clients to close');
  } finally {
    await server.close();
  }
});
