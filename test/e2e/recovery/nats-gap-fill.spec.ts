import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsNames } from '../../../src/adapters/nats/nats-names.js';
import { NatsStreamingAdapter } from '../../../src/adapters/nats/nats-streaming.adapter.js';
import { NATS_URL, deleteNatsPrefix, uniqueNatsPrefix } from '../nats/nats-test-env.js';
import { describeGapFill } from './gap-fill.cases.js';

const prefix = uniqueNatsPrefix('gapfill');

describeGapFill({
  name: 'NATS',
  url: NATS_URL,
  proxyUrl: (port) => `nats://127.0.0.1:${port}`,
  adapter: (url) => new NatsStreamingAdapter({ servers: url, prefix, heartbeatMs: 200 }),
  // Every room's history lives in one JetStream stream: deleting it loses the log (a new epoch).
  loseRoomHistory: async () => {
    const nc = await connect({ servers: NATS_URL });
    try {
      await (await jetstreamManager(nc)).streams.delete(new NatsNames(prefix).roomHistoryStream);
    } finally {
      await nc.close();
    }
  },
  cleanup: () => deleteNatsPrefix(prefix),
});
