import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { StreamingMetricsController } from 'nestjs-forge-streaming';
import { HealthController } from './health.controller.js';

/** Operations: `GET /metrics` (Prometheus text format) and `GET /health` (terminus). */
@Module({
  imports: [TerminusModule],
  controllers: [StreamingMetricsController, HealthController],
})
export class OpsModule {}
