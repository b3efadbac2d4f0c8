import type { StreamingAdapter } from '../../../../src/interfaces/streaming-adapter.interface.js';

/** One instance's adapter, and (for cluster backends) a way to cut it off as a crash would. */
export interface ConformanceAdapter {
  readonly adapter: StreamingAdapter;
  /** Cuts this instance off the backend for good (its heartbeats stop, as in a crash). */
  readonly cut?: () => void;
}

/** A backend the adapter conformance suite runs against. */
export interface ConformanceBackend {
  /** Name used in the suite's title. */
  readonly name: string;
  /** Whether several app instances share state through it (false: one instance plays both roles). */
  readonly distributed: boolean;
  /** Whether room history appended on one instance is readable on another. */
  readonly sharedRoomHistory: boolean;
  /** Starts what the backend needs (a private server, a fresh key space). */
  setup(): Promise<void>;
  /**
   * A new adapter for one instance: heartbeats every 200 ms and a registry TTL of 1.5 s, so
   * crashes show within the suite's waits. `cuttable` asks for a connection the suite can cut.
   */
  createAdapter(options: { readonly cuttable: boolean }): Promise<ConformanceAdapter>;
  /** Kills the backend and starts it again on the same address (absent: not applicable). */
  restart?(): Promise<void>;
  /** Stops what {@link setup} started. */
  teardown(): Promise<void>;
}
