import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastRoom } from '../../../../src/adapters/shared/broadcast-room.js';
import {
  allOf,
  anyOf,
  exceptConnection,
  inRoom,
  not,
  protocol,
} from '../../../../src/registry/connection-filters.js';

test('a top-level inRoom scopes a broadcast to that room, whatever filters come with it', () => {
  assert.equal(broadcastRoom([inRoom('lobby')]), 'lobby');
  assert.equal(broadcastRoom([exceptConnection('c1'), inRoom('lobby'), inRoom('vip')]), 'lobby');
  assert.equal(broadcastRoom([allOf(protocol('sse'), inRoom('deep'))]), 'deep');
});

test('rooms inside anyOf or not, and no room at all, leave a broadcast unscoped', () => {
  assert.equal(broadcastRoom([]), undefined);
  assert.equal(broadcastRoom([protocol('websocket')]), undefined);
  assert.equal(broadcastRoom([anyOf(inRoom('a'), inRoom('b'))]), undefined);
  assert.equal(broadcastRoom([not(inRoom('a'))]), undefined);
});
