import { NatsStreamingAdapter } from '../../../../src/adapters/nats/nats-streaming.adapter.js';
import { CuttableProxy } from '../../redis/redis-test-env.js';
import { PrivateNats } from '../../nats/nats-test-env.js';
import type { ConformanceBackend } from '../conformance/conformance-backend.js';

/** A private `nats-server -js` (so the suite may restart it), one adapter per instance. */
export function natsBackend(): ConformanceBackend {
  let server: PrivateNats | undefined;
  const proxies: CuttableProxy[] = [];
  const started = (): PrivateNats => {
    if (!server) throw new Error('setup() first');
    return server;
  };
  const timing = { heartbeatMs: 200, registryTtlMs: 1500, roomSubjectLingerMs: 200 };
  return {
    name: 'NATS (JetStream)',
    distributed: true,
    sharedRoomHistory: true,
    async setup() {
      server = await PrivateNats.create();
      await server.start();
    },
    async createAdapter({ cuttable }) {
      if (!cuttable) {
        return { adapter: new NatsStreamingAdapter({ servers: started().url, ...timing }) };
      }
      const proxy = await CuttableProxy.start(started().url);
      proxies.push(proxy);
      return {
        adapter: new NatsStreamingAdapter({
          servers: `nats://127.0.0.1:${proxy.port}`,
          ...timing,
        }),
        cut: () => proxy.cut(),
      };
    },
    async restart() {
      await started().kill();
      await started().start();
    },
    async teardown() {
      for (const proxy of proxies.splice(0)) await proxy.close();
      await server?.destroy();
    },
  };
}
