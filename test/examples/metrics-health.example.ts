// README: "Metrics and health"
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import {
  ForgeStreamingModule,
  StreamingHealthIndicator,
  StreamingMetricsController,
} from 'nestjs-forge-streaming';
import { Registry } from 'prom-client';

@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(StreamingHealthIndicator) private readonly streaming: StreamingHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.streaming.isListening('streaming'),
      () => this.streaming.connectionsWithinLimits('connections'),
      () => this.streaming.adapter('adapter'),
    ]);
  }
}

@Module({
  imports: [
    ForgeStreamingModule.forRoot({ metrics: { enabled: true, registry: new Registry() } }),
    TerminusModule,
  ],
  controllers: [StreamingMetricsController, HealthController],
})
export class OpsAppModule {}
