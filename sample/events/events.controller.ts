import { Controller, Inject } from '@nestjs/common';
import { SseRoute, type SseContext } from 'nestjs-forge-streaming';
import { SAMPLE_CONFIG, type SampleConfig } from '../config/sample-config.js';
import { TickerService } from './ticker.service.js';

/**
 * SSE `/events`: event `connected` first, then the shared `update` ticks (broadcast by
 * {@link TickerService}). Reconnecting with `Last-Event-ID` replays the ticks missed meanwhile.
 * No per-message rate limit.
 */
@Controller()
export class EventsController {
  constructor(
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
    @Inject(TickerService) private readonly ticker: TickerService,
  ) {}

  @SseRoute('events')
  async events(ctx: SseContext): Promise<void> {
    await ctx.writeSSE('connected', {
      connectionId: ctx.id,
      tickMs: this.config.tickMs,
      resumedFrom: ctx.lastEventId ?? null,
    });
    ctx.keepOpen();
  }
}
