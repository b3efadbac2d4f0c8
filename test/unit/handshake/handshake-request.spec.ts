import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import {
  handshakeRequestFromIncoming,
  peerAddressOf,
} from '../../../src/handshake/handshake-request.js';
import type { HandshakeRequest } from '../../../src/interfaces/connection.interface.js';

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

test('a handshake request keeps the target as one string and derives path and query from it', async () => {
  const server = createHttpServer();
  const requests: HandshakeRequest[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    requests.push(handshakeRequestFromIncoming(req, { room: 'a b' }, new Set(['x-drop'])));
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  try {
    const res = await fetch(`http://127.0.0.1:${port}/rooms/a%20b?token=t1&token=t2&x=%2F`, {
      headers: { 'x-keep': '1', 'x-drop': '2' },
    });
    await res.arrayBuffer();
    const [request] = requests;
    assert.equal(request.method, 'GET');
    assert.equal(request.url, '/rooms/a%20b?token=t1&token=t2&x=%2F');
    assert.equal(request.path, '/rooms/a b');
    assert.deepEqual({ ...request.query }, { token: 't1', x: '/' }, 'first value of each name');
    assert.deepEqual(request.params, { room: 'a b' });
    assert.equal(request.ip, '127.0.0.1');
    assert.equal(request.headers['x-keep'], '1');
    assert.equal(request.headers['x-drop'], undefined, 'omitted header');
    assert.deepEqual(
      Object.keys(request).sort(),
      ['headers', 'ip', 'method', 'params', 'url'],
      'path and query are not stored',
    );
    request.user = { id: 'u1' };
    const json = JSON.parse(JSON.stringify(request)) as Record<string, unknown>;
    assert.equal(json.path, '/rooms/a b');
    assert.deepEqual(json.query, { token: 't1', x: '/' });
    assert.deepEqual(json.user, { id: 'u1' });
  } finally {
    server.close();
  }
});
