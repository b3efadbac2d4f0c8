/** Sizes and durations of one benchmark run. Quick fits in under three minutes on two cores. */
export interface BenchSizes {
  /** Seconds each measured window lasts. */
  readonly windowSeconds: number;
  /**
   * Seconds of unrecorded load before a contender's first measured window, so that its JIT has
   * optimized the hot path (frameworks need longer than raw sockets).
   */
  readonly warmupSeconds: number;
  /** Client counts for the echo round-trip scenario. */
  readonly echoClients: readonly number[];
  /**
   * Windows per contender, interleaved across contenders: in echo, and in SSE fan-out (which
   * splits `windowSeconds` over them).
   */
  readonly echoRounds: number;
  /** Seconds of one echo window. */
  readonly echoRoundSeconds: number;
  /**
   * Seconds of unrecorded load right before every echo window: each server sat idle through the
   * other contenders' windows, and the first moments after an idle spell cost more (a large hot
   * path more than a small one) than steady load does.
   */
  readonly echoWarmSeconds: number;
  /** Client counts for WebSocket broadcast fan-out. */
  readonly fanoutClients: readonly number[];
  /** Payload sizes (bytes) for fan-out. */
  readonly fanoutPayloads: readonly number[];
  /** Idle connections held for the memory scenario. */
  readonly idleConnections: number;
  /** SSE subscribers for SSE fan-out. */
  readonly sseClients: number;
  /** Concurrent connect loops for the set-up rate scenario. */
  readonly handshakeConcurrency: number;
  /** Healthy clients in the slow-consumer scenario. */
  readonly slowConsumerClients: number;
  /** Broadcasts kept in flight (not yet received by every client): SSE and slow consumer. */
  readonly broadcastWindow: number;
  /**
   * In-flight depths WebSocket fan-out measures every contender at; each contender's best counts.
   * A shallow pipeline measures round-trip waits more than the server's capacity, while a deep
   * one queues in a server that is already saturated; no one depth is right for every server.
   */
  readonly fanoutWindows: readonly number[];
  /** Client counts for the WebTransport-versus-WebSocket echo. */
  readonly webTransportClients: readonly number[];
  /** Also measure the library on Fastify (echo and set-up). */
  readonly fastify: boolean;
  /** Seconds of echo, after each measured window, during which the server's CPU is profiled. */
  readonly profileSeconds: number;
  /** Clients dropped at once in the reconnect storm. */
  readonly stormClients: number;
  /** Longest a reconnect storm may take to settle, in seconds. */
  readonly stormLimitSeconds: number;
  /** Storms per contender (interleaved; the report holds medians). */
  readonly stormRounds: number;
  /** The scale-out scenario: instances behind one port, scaled out through each backend. */
  readonly scaleOut: ScaleOutSizes;
}

/** Sizes of the scale-out scenario. */
export interface ScaleOutSizes {
  /** Instance counts to measure. */
  readonly instances: readonly number[];
  /** WebSocket clients (the same for every instance count). */
  readonly clients: number;
  /** Rooms the clients are spread over. */
  readonly rooms: number;
  /** Seconds of each measured window. */
  readonly windowSeconds: number;
  /** Every available backend, or only the first available one. */
  readonly allBackends: boolean;
  /** Runs per instance count, interleaved (the report holds the median run). */
  readonly rounds: number;
}

/** Named run sizes. */
export type BenchMode = 'tiny' | 'quick' | 'full';

const SIZES: Record<BenchMode, BenchSizes> = {
  tiny: {
    windowSeconds: 0.3,
    warmupSeconds: 0.1,
    echoClients: [1, 4],
    echoRounds: 1,
    echoRoundSeconds: 0.3,
    echoWarmSeconds: 0.05,
    fanoutClients: [20],
    fanoutPayloads: [60],
    idleConnections: 20,
    sseClients: 10,
    handshakeConcurrency: 2,
    slowConsumerClients: 10,
    broadcastWindow: 4,
    fanoutWindows: [4, 16],
    webTransportClients: [1],
    fastify: false,
    profileSeconds: 0.2,
    stormClients: 20,
    stormLimitSeconds: 15,
    stormRounds: 1,
    scaleOut: {
      instances: [1, 2],
      clients: 24,
      rooms: 6,
      windowSeconds: 1,
      allBackends: false,
      rounds: 1,
    },
  },
  quick: {
    windowSeconds: 1,
    warmupSeconds: 1,
    echoClients: [1, 100],
    echoRounds: 3,
    echoRoundSeconds: 0.4,
    echoWarmSeconds: 0.1,
    fanoutClients: [500],
    fanoutPayloads: [60, 1024],
    idleConnections: 500,
    sseClients: 500,
    handshakeConcurrency: 16,
    slowConsumerClients: 200,
    broadcastWindow: 8,
    fanoutWindows: [8, 32],
    webTransportClients: [1, 10],
    fastify: false,
    profileSeconds: 1,
    stormClients: 300,
    stormLimitSeconds: 30,
    stormRounds: 2,
    scaleOut: {
      instances: [1, 2, 4],
      clients: 200,
      rooms: 20,
      windowSeconds: 2,
      allBackends: true,
      rounds: 3,
    },
  },
  full: {
    windowSeconds: 6,
    warmupSeconds: 1.5,
    echoClients: [1, 100],
    echoRounds: 10,
    echoRoundSeconds: 1,
    echoWarmSeconds: 0.3,
    fanoutClients: [1000, 5000],
    fanoutPayloads: [60, 1024],
    idleConnections: 5000,
    sseClients: 1000,
    handshakeConcurrency: 32,
    slowConsumerClients: 1000,
    broadcastWindow: 8,
    fanoutWindows: [8, 32],
    webTransportClients: [1, 100],
    fastify: true,
    profileSeconds: 2,
    stormClients: 2000,
    stormLimitSeconds: 60,
    stormRounds: 3,
    scaleOut: {
      instances: [1, 2, 4],
      clients: 1000,
      rooms: 50,
      windowSeconds: 8,
      allBackends: true,
      rounds: 3,
    },
  },
};

/** The sizes of a mode; throws on an unknown name. */
export function sizesFor(mode: string): BenchSizes {
  if (mode !== 'tiny' && mode !== 'quick' && mode !== 'full') {
    throw new Error(`Unknown benchmark mode "${mode}" (expected tiny, quick or full)`);
  }
  return SIZES[mode];
}

/** The token the guarded routes of every contender accept. */
export const BENCH_TOKEN = 'bench-token';

/** Builds a payload of exactly `size` bytes that starts with the broadcast sequence number. */
export function payloadOf(seq: number, size: number): string {
  const head = `s:${seq}:`;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}
