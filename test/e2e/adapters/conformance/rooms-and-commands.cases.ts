import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PresenceEvent } from '../../../../src/index.js';
import type { ConformanceCluster } from './conformance-cluster.js';
import { waitFor } from '../../../support/wait-for.js';

/** Rooms, presence, and commands on connections of another instance. */
export function roomAndCommandCases(cluster: () => ConformanceCluster): void {
  test('a connection of another instance joins and leaves a room on request, and room broadcasts follow', async () => {
    const c = cluster();
    const { a, b } = c;
    const member = await c.member(b, '-');
    assert.equal(await a.manager.join(member.id, 'late'), true);
    await c.members(a, 'late', 1);
    await a.manager.to('late').broadcast({ case: 'joined' });
    await waitFor(() => member.cases('joined').length === 1, 'the room broadcast after the join');
    assert.equal(await a.manager.leave(member.id, 'late'), true);
    await c.members(a, 'late', 0);
    await a.manager.to('late').broadcast({ case: 'left' });
    await a.manager.broadcast({ case: 'marker' });
    await waitFor(() => member.cases('marker').length === 1, 'the marker');
    assert.equal(member.cases('left').length, 0, 'no room broadcast after the leave');
  });

  test('presence lists the members of every instance and reports their joins and leaves', async () => {
    const c = cluster();
    const { a, b } = c;
    const events: PresenceEvent[] = [];
    const subscription = a.manager.presence$.subscribe((event) => {
      if (event.room === 'gathering') events.push(event);
    });
    try {
      const local = await c.member(a, 'gathering', { user: 'lu' });
      const remote = await c.member(b, 'gathering', { user: 'ru' });
      await c.members(a, 'gathering', 2);
      const members = await b.manager.presence('gathering');
      assert.deepEqual(
        members.map((m) => [m.connectionId, m.userId, m.instanceId]).sort(),
        [
          [local.id, 'lu', a.manager.instanceId],
          [remote.id, 'ru', b.manager.instanceId],
        ].sort(),
      );
      await waitFor(
        () => events.some((e) => e.type === 'join' && e.member.connectionId === remote.id),
        'the join of the member on b',
      );
      await remote.close();
      await waitFor(
        () => events.some((e) => e.type === 'leave' && e.member.connectionId === remote.id),
        'the leave of the member on b',
      );
      await c.members(a, 'gathering', 1);
    } finally {
      subscription.unsubscribe();
    }
  });

  test('a targeted send and a disconnect reach a connection on another instance; unknown ids answer false', async () => {
    const c = cluster();
    const { a, b } = c;
    const target = await c.member(b, '-');
    const bystander = await c.member(b, '-');
    await waitFor(
      async () => (await a.manager.describeConnection(target.id))?.id === target.id,
      'the target in the registry',
    );
    const described = await a.manager.describeConnection(target.id);
    assert.equal(described?.instanceId, b.manager.instanceId);
    assert.equal(described?.protocol, 'websocket');
    assert.equal(await a.manager.sendTo(target.id, { case: 'direct' }), true);
    await waitFor(() => target.cases('direct').length === 1, 'the targeted message');
    assert.equal(await a.manager.disconnect(target.id, 4002, 'kicked'), true);
    await waitFor(() => target.closeCode === 4002, 'the target closed with 4002');
    assert.equal(bystander.closeCode, undefined, 'nobody else is closed');
    assert.equal(bystander.cases('direct').length, 0, 'nobody else got the message');
    await waitFor(
      async () => (await a.manager.describeConnection(target.id)) === undefined,
      'the registry to forget the target',
    );
    assert.equal(await a.manager.sendTo('no-such-connection', { case: 'x' }), false);
    assert.equal(await a.manager.disconnect('no-such-connection'), false);
  });
}
