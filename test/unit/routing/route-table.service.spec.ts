import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { joinPaths } from '../../../src/routing/route-paths.js';
import { RouteTable } from '../../../src/routing/route-table.service.js';
import type { RouteDefinition } from '../../../src/handshake/route-definition.js';
import type { StreamingProtocol } from '../../../src/interfaces/connection.interface.js';

function route(protocol: StreamingProtocol, path: string): RouteDefinition {
  return { protocol, path, options: {}, source: `test ${path}`, invoke: async () => undefined };
}

describe('RouteTable', () => {
  test('joins prefixes and paths into one normalized path', () => {
    assert.equal(joinPaths('ws', 'echo'), '/ws/echo');
    assert.equal(joinPaths('/ws/', '/chat/:room/'), '/ws/chat/:room');
    assert.equal(joinPaths('', ''), '/');
  });

  test('matches static paths, params (decoded) and a trailing slash', () => {
    const table = new RouteTable();
    table.add(route('websocket', '/ws/echo'));
    table.add(route('websocket', '/rooms/:roomId'));
    assert.equal(table.match('websocket', '/ws/echo')?.route.path, '/ws/echo');
    assert.equal(table.match('websocket', '/ws/echo/')?.route.path, '/ws/echo');
    assert.deepEqual(table.match('websocket', '/rooms/a%20b')?.params, { roomId: 'a b' });
    assert.equal(table.match('websocket', '/rooms/a/b'), undefined);
    assert.equal(table.match('sse', '/ws/echo'), undefined);
  });

  test('the same path may serve different protocols but not twice the same one', () => {
    const table = new RouteTable();
    table.add(route('websocket', '/live'));
    table.add(route('sse', '/live'));
    assert.throws(() => table.add(route('sse', '/live')), /Duplicate sse route "\/live"/);
  });

  test('a malformed pattern is a clear error', () => {
    assert.throws(
      () => new RouteTable().add(route('websocket', '/bad/:')),
      /Invalid websocket route path/,
    );
  });
});
