import type {
  AdapterHealth,
  StreamingAdapter,
} from '../../interfaces/streaming-adapter.interface.js';

/** The shape `@nestjs/terminus` expects from a health indicator. */
export type StreamingHealthIndicatorResult = Record<
  string,
  { status: 'up' | 'down'; state: AdapterHealth['status']; detail?: string }
>;

/**
 * Health of the streaming backend, for `@nestjs/terminus` or a plain endpoint:
 * `health.check([() => indicator.isHealthy('streaming')])`. `degraded` (Redis reconnecting,
 * local delivery going on) is reported as `down` with `state: 'degraded'` unless
 * `degradedIsUp` is set.
 */
export class RedisStreamingHealthIndicator {
  constructor(
    private readonly source: Pick<StreamingAdapter, 'health'>,
    private readonly degradedIsUp = false,
  ) {}

  /** Resolves with `{ [key]: { status, state, detail } }`. */
  isHealthy(key = 'streaming'): Promise<StreamingHealthIndicatorResult> {
    const health = this.source.health();
    const up = health.status === 'up' || (health.status === 'degraded' && this.degradedIsUp);
    return Promise.resolve({
      [key]: {
        status: up ? 'up' : 'down',
        state: health.status,
        ...(health.detail ? { detail: health.detail } : {}),
      },
    });
  }
}
