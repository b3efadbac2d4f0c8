import { RedisStreamingAdapter } from '../../../../src/adapters/redis/redis-streaming.adapter.js';
import { CuttableProxy, PrivateRedis } from '../../redis/redis-test-env.js';
import type { ConformanceBackend } from '../conformance/conformance-backend.js';

/** A private standalone redis-server (so the suite may restart it), one adapter per instance. */
export function redisBackend(): ConformanceBackend {
  let server: PrivateRedis | undefined;
  const proxies: CuttableProxy[] = [];
  const started = (): PrivateRedis => {
    if (!server) throw new Error('setup() first');
    return server;
  };
  return {
    name: 'Redis (standalone)',
    distributed: true,
    sharedRoomHistory: true,
    async setup() {
      server = await PrivateRedis.create();
      await server.start();
    },
    async createAdapter({ cuttable }) {
      const timing = { heartbeatMs: 200, registryTtlMs: 1500, roomChannelLingerMs: 200 };
      if (!cuttable)
        return { adapter: new RedisStreamingAdapter({ url: started().url, ...timing }) };
      const proxy = await CuttableProxy.start(started().url);
      proxies.push(proxy);
      return {
        adapter: new RedisStreamingAdapter({ url: proxy.url, ...timing }),
        cut: () => proxy.cut(),
      };
    },
    async restart() {
      await started().kill();
      await started().start();
    },
    async teardown() {
      for (const proxy of proxies.splice(0)) await proxy.close();
      await server?.kill();
    },
  };
}
