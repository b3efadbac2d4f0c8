import { after, before, describe } from 'node:test';
import type { ConformanceBackend } from './conformance-backend.js';
import { ConformanceCluster } from './conformance-cluster.js';
import { broadcastFilterCases } from './broadcast-filters.cases.js';
import { roomAndCommandCases } from './rooms-and-commands.cases.js';
import { historyCases } from './history.cases.js';
import { failureCases } from './failure.cases.js';

/**
 * The adapter conformance suite: the same behaviour, over real sockets, whatever the backend
 * (broadcast with every filter, rooms, presence, targeted send and disconnect on another
 * instance, registry expiry after a crash, SSE and room history, backend restart).
 */
export function describeAdapterConformance(backend: ConformanceBackend): void {
  describe(`adapter conformance: ${backend.name}`, () => {
    let cluster: ConformanceCluster | undefined;
    const current = (): ConformanceCluster => {
      if (!cluster) throw new Error('the conformance cluster did not start');
      return cluster;
    };
    before(async () => {
      cluster = await ConformanceCluster.start(backend);
    });
    after(async () => {
      await cluster?.stop();
    });
    broadcastFilterCases(current);
    roomAndCommandCases(current);
    historyCases(current);
    failureCases(current);
  });
}
