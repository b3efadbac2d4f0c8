import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { peerAddressOf } from '../../../src/context/handshake-request.factory.js';

test('peerAddressOf gives the peer address and leaves no cached peer record on the socket', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect(port, '127.0.0.1');
  const [socket] = await accepted;
  try {
    assert.equal(peerAddressOf(socket), '127.0.0.1');
    assert.equal((socket as unknown as { _peername?: unknown })._peername, undefined);
    assert.equal(socket.remoteAddress, '127.0.0.1', 'still readable while the socket is open');
    assert.equal(socket.remotePort, client.localPort);
  } finally {
    client.destroy();
    socket.destroy();
    server.close();
  }
});
