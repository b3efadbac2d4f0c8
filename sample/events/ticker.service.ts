import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { onRoute, StreamEvent, StreamingManager } from 'nestjs-forge-streaming';
import { SAMPLE_CONFIG, type SampleConfig } from '../config/sample-config.js';

/** The route the ticks are broadcast to. */
export const EVENTS_ROUTE = '/events';

/** The data of one `update` event. */
export interface Tick {
  readonly seq: number;
  readonly timestamp: number;
}

/**
 * The one shared clock of `/events`: every `TICK_MS` it broadcasts `update { seq, timestamp }` to
 * the route, so every client sees the same events with the same ids (and can resume from them).
 * In a cluster only the process started with `TICKER=on` ticks.
 */
@Injectable()
export class TickerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ticker');
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
    @Inject(StreamingManager) private readonly manager: StreamingManager,
  ) {}

  /** The sequence number of the last tick sent. */
  get lastSeq(): number {
    return this.seq;
  }

  onApplicationBootstrap(): void {
    if (!this.config.ticker) return;
    this.timer = setInterval(() => void this.tick(), this.config.tickMs);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    this.seq += 1;
    const tick: Tick = { seq: this.seq, timestamp: Date.now() };
    try {
      await this.manager.broadcast(new StreamEvent('update', tick), onRoute(EVENTS_ROUTE));
    } catch (error) {
      this.logger.warn(`Tick ${tick.seq} not delivered: ${(error as Error).message}`);
    }
  }
}
