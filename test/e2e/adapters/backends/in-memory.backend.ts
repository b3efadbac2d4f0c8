import { InMemoryStreamingAdapter } from '../../../../src/adapters/in-memory/in-memory-streaming.adapter.js';
import type { ConformanceBackend } from '../conformance/conformance-backend.js';

/** The default single-process backend: one instance plays both roles of the suite. */
export function inMemoryBackend(): ConformanceBackend {
  return {
    name: 'in-memory',
    distributed: false,
    sharedRoomHistory: true,
    setup: () => Promise.resolve(),
    createAdapter: () => Promise.resolve({ adapter: new InMemoryStreamingAdapter() }),
    teardown: () => Promise.resolve(),
  };
}
