import { Inject, Injectable } from '@nestjs/common';
import type { BaseConnection } from '../connection/base.connection.js';
import type { ResolvedStreamingConfig } from '../interfaces/streaming-config.interface.js';
import { STREAMING_RESOLVED_CONFIG } from '../streaming.constants.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import { AdmissionControl } from './admission-control.service.js';
import type { HandshakeAttempt, HandshakeResponder } from './handshake-attempt.interface.js';
import type { HandshakeRefusal } from './refusal.js';
import { StreamingHandshake, type HandshakeServices } from './streaming-handshake.js';

/**
 * Where every transport hands its connection attempts: each becomes a {@link StreamingHandshake}
 * that runs to its settlement; refusals the transport decides itself (404, 400, 503 while
 * shutting down) are counted here too.
 */
@Injectable()
export class HandshakeGate {
  private readonly services: HandshakeServices;

  constructor(
    @Inject(AdmissionControl) admission: AdmissionControl,
    @Inject(StreamingStatsCollector) private readonly stats: StreamingStatsCollector,
    @Inject(STREAMING_RESOLVED_CONFIG) config: ResolvedStreamingConfig,
  ) {
    this.services = { admission, stats, allowedHosts: config.allowedHosts };
  }

  /** Counts and writes a refusal decided before any handshake began. */
  refuse(responder: HandshakeResponder, answer: HandshakeRefusal): void {
    this.stats.rejected(answer.reason);
    responder.refuse(answer);
  }

  /** Runs an attempt to its end (never throws). */
  run<C extends BaseConnection>(attempt: HandshakeAttempt<C>): void {
    new StreamingHandshake(attempt, this.services).run();
  }
}
