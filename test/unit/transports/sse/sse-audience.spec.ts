import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  forUser,
  inRoom,
  onRoute,
  protocol,
  allOf,
  anyOf,
} from '../../../../src/registry/connection-filters.js';
import type { StreamingConnection } from '../../../../src/interfaces/connection.interface.js';
import type { SseHistoryEntry } from '../../../../src/interfaces/streaming-adapter.interface.js';
import {
  isReplayableTo,
  resumedIdentity,
  routeCouldMatch,
} from '../../../../src/transports/sse/sse-audience.js';

function conn(userId: string | undefined, rooms: string[] = []): StreamingConnection {
  return {
    id: 'c-new',
    protocol: 'sse',
    route: '/feed',
    userId,
    rooms: new Set(rooms),
    get: () => undefined,
  } as unknown as StreamingConnection;
}

test('routeCouldMatch excludes routes ruled out by protocol or route filters only', () => {
  assert.equal(routeCouldMatch([], '/feed'), true);
  assert.equal(routeCouldMatch([protocol('websocket')], '/feed'), false);
  assert.equal(routeCouldMatch([onRoute('/other')], '/feed'), false);
  assert.equal(routeCouldMatch([onRoute('/feed'), inRoom('x')], '/feed'), true);
  assert.equal(routeCouldMatch([allOf(protocol('sse'), onRoute('/x'))], '/feed'), false);
  assert.equal(routeCouldMatch([anyOf(protocol('websocket'), onRoute('/feed'))], '/feed'), true);
});

test('filters entries replay only to connections they match; private entries only to their stream and user', () => {
  const own = { streamKey: 's-old', userId: 'alice' };
  const forAlice: SseHistoryEntry = {
    id: '1',
    body: '',
    audience: { kind: 'filters', filters: [forUser('alice')] },
  };
  const aliceStream: SseHistoryEntry = {
    id: '2',
    body: '',
    audience: { kind: 'stream', streamKey: 's-old', userId: 'alice' },
  };
  assert.equal(isReplayableTo(forAlice, conn('alice'), own), true);
  assert.equal(isReplayableTo(forAlice, conn('bob'), { streamKey: 'x', userId: 'bob' }), false);
  assert.equal(isReplayableTo(aliceStream, conn('alice'), own), true);
  assert.equal(
    isReplayableTo(aliceStream, conn('bob'), { streamKey: 's-old', userId: 'bob' }),
    false,
  );
  const lostPredicate: SseHistoryEntry = {
    id: '3',
    body: '',
    audience: { kind: 'filters', filters: [{ kind: 'local' } as never] },
  };
  assert.equal(isReplayableTo(lostPredicate, conn('alice'), own), false);
});

test('a resumed stream continues the anchor stream of the same user only', () => {
  const anchor: SseHistoryEntry = {
    id: '2',
    body: '',
    audience: { kind: 'stream', streamKey: 's-old', userId: 'alice' },
  };
  assert.deepEqual(resumedIdentity(anchor, { streamKey: 'new', userId: 'alice' }), {
    streamKey: 's-old',
    userId: 'alice',
  });
  assert.deepEqual(resumedIdentity(anchor, { streamKey: 'new', userId: 'bob' }), {
    streamKey: 'new',
    userId: 'bob',
  });
  assert.deepEqual(resumedIdentity(undefined, { streamKey: 'new', userId: undefined }), {
    streamKey: 'new',
    userId: undefined,
  });
});
