import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { StreamingHealthIndicator } from 'nestjs-forge-streaming';

/** `GET /health`: the streaming layer's listening state, connections against limits and adapter. */
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(StreamingHealthIndicator) private readonly streaming: StreamingHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.streaming.isListening('streaming'),
      () => this.streaming.connectionsWithinLimits('connections'),
      () => this.streaming.adapter('adapter'),
    ]);
  }
}
