import { randomUUID } from 'node:crypto';
import { RedisStreamingAdapter } from '../../../../src/adapters/redis/redis-streaming.adapter.js';
import {
  canRestartMasters,
  ClusterProxies,
  masterOf,
  redisClusterNodes,
  restartMaster,
} from '../../redis-cluster/redis-cluster-env.js';
import type { ConformanceBackend } from '../conformance/conformance-backend.js';

/** The room whose master the restart case takes down (the restart case's room). */
const RESTARTED_ROOM = 'survivors';

/**
 * The test run's 3-master Redis Cluster, one adapter per instance under a key prefix of its own.
 * A cuttable instance reaches every node through proxies (`natMap`); `restart` kills the master
 * serving the restart case's room and starts it again on the same port and nodes.conf (no
 * failover), so that room's registry hash and sharded channel live on the restarted node.
 */
export function redisClusterBackend(): ConformanceBackend {
  const proxies: ClusterProxies[] = [];
  const keyPrefix = `forge-conf-cluster:${randomUUID().slice(0, 8)}:`;
  const nodes = (): NonNullable<ReturnType<typeof redisClusterNodes>> => {
    const found = redisClusterNodes();
    if (!found) throw new Error('no Redis Cluster: run `node scripts/pretest.mjs`');
    return found;
  };
  const timing = { heartbeatMs: 200, registryTtlMs: 1500, roomChannelLingerMs: 200, keyPrefix };
  return {
    name: 'Redis Cluster (3 masters)',
    distributed: true,
    sharedRoomHistory: true,
    setup: () => Promise.resolve(),
    async createAdapter({ cuttable }) {
      if (!cuttable) {
        return { adapter: new RedisStreamingAdapter({ cluster: { nodes: nodes() }, ...timing }) };
      }
      const through = await ClusterProxies.start();
      proxies.push(through);
      const adapter = new RedisStreamingAdapter({
        cluster: { nodes: through.seeds, options: { natMap: through.natMap } },
        ...timing,
      });
      return { adapter, cut: () => through.cut() };
    },
    ...(canRestartMasters() ? { restart: () => restartMaster(masterOf(RESTARTED_ROOM)) } : {}),
    async teardown() {
      for (const through of proxies.splice(0)) await through.close();
    },
  };
}
