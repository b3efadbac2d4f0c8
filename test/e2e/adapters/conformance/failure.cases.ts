import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConformanceCluster } from './conformance-cluster.js';
import { waitFor } from '../../../support/wait-for.js';

/** An instance that stops heartbeating, and a restart of the backend itself. */
export function failureCases(cluster: () => ConformanceCluster): void {
  test('an instance cut off without leaving: its registry entries expire and its members leave presence', async (t) => {
    const c = cluster();
    if (!c.backend.distributed) {
      t.skip('one process: nothing outlives its instance');
      return;
    }
    const { app: doomed, cut } = await c.extraInstance();
    assert.ok(cut, 'the backend offers a cuttable connection');
    const member = await c.member(doomed, 'doomed-room');
    await c.members(c.a, 'doomed-room', 1);
    await waitFor(
      async () => (await c.a.manager.describeConnection(member.id)) !== undefined,
      'the doomed member in the registry',
    );
    const instancesBefore = (await c.a.manager.getClusterStats()).cluster?.instances ?? 0;
    cut();
    await waitFor(
      async () => (await c.a.manager.presence('doomed-room')).length === 0,
      'the member of the silent instance to leave presence',
    );
    assert.equal(await c.a.manager.describeConnection(member.id), undefined);
    await waitFor(
      async () => (await c.a.manager.getClusterStats()).cluster?.instances === instancesBefore - 1,
      'the silent instance to leave the cluster stats',
    );
    await doomed.app.close();
  });

  test('the backend restarts: no crash, health recovers, broadcasts and the registry work again', async (t) => {
    const c = cluster();
    if (!c.backend.restart) {
      t.skip(`${c.backend.name} has no backend to restart`);
      return;
    }
    const { a, b } = c;
    const member = await c.member(b, 'survivors');
    await c.members(a, 'survivors', 1);
    await c.backend.restart();
    await waitFor(
      () => a.adapter.health().status === 'up' && b.adapter.health().status === 'up',
      'both instances healthy again',
      15_000,
    );
    await c.members(a, 'survivors', 1);
    await waitFor(async () => {
      await a.manager.to('survivors').broadcast({ case: 'after-restart' });
      return member.cases('after-restart').length > 0;
    }, 'a room broadcast across instances after the restart');
    assert.equal(member.closeCode, undefined, 'the member stayed connected');
  });
}
