import { Controller, Get, Inject, NotFoundException, Res } from '@nestjs/common';
import { StreamingMetrics } from './streaming-metrics.service.js';

/** The reply object of Express and Fastify alike, as far as this controller uses it. */
interface MetricsReply {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
  send(body: string): unknown;
}

/**
 * `GET /metrics` in the Prometheus text format (behind the app's global prefix). Opt-in: add it
 * to a module's `controllers` and set `metrics.enabled`; with metrics off it answers 404.
 */
@Controller()
export class StreamingMetricsController {
  constructor(@Inject(StreamingMetrics) private readonly metrics: StreamingMetrics) {}

  /** The registry's exposition. */
  @Get('metrics')
  async scrape(@Res() reply: MetricsReply): Promise<void> {
    if (!this.metrics.enabled) {
      throw new NotFoundException('Metrics are off: set metrics.enabled in the streaming config');
    }
    const body = await this.metrics.metrics();
    if (reply.header) reply.header('content-type', this.metrics.contentType);
    else reply.setHeader?.('content-type', this.metrics.contentType);
    reply.send(body);
  }
}
