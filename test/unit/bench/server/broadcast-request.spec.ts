import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  serveBroadcastRequest,
  type BroadcastRequest,
} from '../../../../bench/server/broadcast-request.js';

function post(port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('POST /broadcast hands a valid body on and answers bad input with 400 or 404', async () => {
  const received: BroadcastRequest[] = [];
  const server = createServer((req, res) =>
    serveBroadcastRequest(req, res, (r) => received.push(r)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    assert.equal(await post(port, '/broadcast', '{"message":"hi","protocol":"sse"}'), 204);
    assert.equal(await post(port, '/broadcast', 'not json'), 400);
    assert.equal(await post(port, '/broadcast', '{"message":1}'), 400);
    assert.equal(await post(port, '/broadcast', '{"message":"x","protocol":"smtp"}'), 400);
    assert.equal(await post(port, '/elsewhere', '{"message":"x"}'), 404);
    assert.deepEqual(received, [{ message: 'hi', protocol: 'sse' }]);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
