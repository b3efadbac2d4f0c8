/**
 * `nestjs-forge-streaming/nats`: scale-out through NATS (core subjects for fan-out, JetStream
 * for history, KV for the registry and presence). Needs the optional peer dependencies
 * `@nats-io/transport-node`, `@nats-io/jetstream` and `@nats-io/kv`
 * (`npm install @nats-io/transport-node @nats-io/jetstream @nats-io/kv`).
 */
export { NatsStreamingAdapter } from './nats-streaming.adapter.js';
export type { NatsStreamingAdapterOptions } from './nats-adapter-options.interface.js';
export { NatsHistoryStore } from './nats-history.store.js';
export { NatsRoomHistoryStore } from './nats-room-history.store.js';
export { NatsUnavailableError } from './nats-unavailable.error.js';
