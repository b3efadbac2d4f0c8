import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allOf,
  anyOf,
  exceptConnection,
  forUser,
  inRoom,
  not,
  onRoute,
  onlyConnection,
  protocol,
  whereMeta,
  StreamEvent,
  type ConnectionFilter,
} from '../../../../src/index.js';
import type { ConformanceCluster } from './conformance-cluster.js';
import { delay, waitFor } from '../../../support/wait-for.js';

/** How long a client that should not receive a broadcast is watched after the others got it. */
const QUIET_MS = 150;

/** Broadcasts from `a` with each kind of filter reach exactly the matching connections of both instances. */
export function broadcastFilterCases(cluster: () => ConformanceCluster): void {
  test('broadcast with every filter reaches exactly the matching connections on every instance', async () => {
    const { a, b } = cluster();
    const c = cluster();
    const clients = {
      a1: await c.member(a, 'red', { user: 'u1', tier: 'gold' }),
      a2: await c.member(a, 'blue', { user: 'u2', tier: 'silver' }),
      b1: await c.member(b, 'red', { user: 'u2', tier: 'silver' }),
      b2: await c.member(b, 'blue', { user: 'u1', tier: 'gold' }, 'alt'),
    };
    const sse = await c.sse(b, '?user=u3');
    const b3 = await waitFor(() => b.manager.connections(protocol('sse'))[0], 'the SSE stream');
    await c.members(a, 'red', 2);
    await c.members(a, 'blue', 2);

    const cases: Array<[string, ConnectionFilter[], string[]]> = [
      ['unfiltered', [], ['a1', 'a2', 'b1', 'b2', 'b3']],
      ['room', [inRoom('red')], ['a1', 'b1']],
      ['room-except', [inRoom('red'), exceptConnection(clients.a1.id)], ['b1']],
      ['only', [onlyConnection(clients.b2.id)], ['b2']],
      ['protocol', [protocol('sse')], ['b3']],
      ['user', [forUser('u2')], ['a2', 'b1']],
      ['meta', [whereMeta('tier', 'gold')], ['a1', 'b2']],
      ['route', [onRoute('/conf/alt/:room')], ['b2']],
      ['all', [allOf(inRoom('blue'), forUser('u1'))], ['b2']],
      ['any', [anyOf(inRoom('red'), forUser('u3'))], ['a1', 'b1', 'b3']],
      ['not', [not(inRoom('red'))], ['a2', 'b2', 'b3']],
    ];
    for (const [name, filters, expected] of cases) {
      await a.manager.broadcast(new StreamEvent('case', { case: name }), ...filters);
      const got = (): string[] => {
        const ws = Object.entries(clients)
          .filter(([, client]) => client.cases(name).length > 0)
          .map(([key]) => key);
        const sseGot = sse.named('case').some((e) => JSON.parse(e.data).case === name);
        return [...ws, ...(sseGot ? ['b3'] : [])].sort();
      };
      await waitFor(
        () => expected.every((key) => got().includes(key)),
        `${name}: ${expected.join(', ')} to receive it (got ${got().join(', ')})`,
      );
      await delay(QUIET_MS);
      assert.deepEqual(got(), [...expected].sort(), `recipients of the ${name} broadcast`);
    }
    assert.ok(b3.id);
  });
}
