import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { StreamingManager, type StreamingStats } from 'nestjs-forge-streaming';
import { Subject, type Observable } from 'rxjs';
import { SAMPLE_CONFIG, type SampleConfig } from '../config/sample-config.js';
import { toDashboardSample, type DashboardInit, type DashboardSample } from './dashboard-sample.js';

/** Samples kept for a new dashboard's chart. */
export const DASHBOARD_WINDOW = 60;

/**
 * Samples this instance's streaming statistics every `TICK_MS`, keeps the last
 * {@link DASHBOARD_WINDOW} samples and emits each new one to the open dashboards.
 */
@Injectable()
export class DashboardService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly subject = new Subject<DashboardSample>();
  private readonly window: DashboardSample[] = [];
  private previous: { stats: StreamingStats; timestamp: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
    @Inject(StreamingManager) private readonly manager: StreamingManager,
  ) {}

  /** Every new sample. */
  get samples$(): Observable<DashboardSample> {
    return this.subject.asObservable();
  }

  /** What a new dashboard starts from. */
  init(): DashboardInit {
    return {
      instanceId: this.manager.instanceId,
      intervalMs: this.config.tickMs,
      samples: [...this.window],
    };
  }

  onApplicationBootstrap(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.config.tickMs);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.subject.complete();
  }

  private sample(): void {
    const stats = this.manager.getStats();
    const timestamp = Date.now();
    const sample = toDashboardSample(stats, timestamp, this.previous);
    this.previous = { stats, timestamp };
    this.window.push(sample);
    if (this.window.length > DASHBOARD_WINDOW) this.window.shift();
    this.subject.next(sample);
  }
}
