import type { Histogram, Registry } from 'prom-client';
import type { StreamingProtocol } from '../interfaces/connection.interface.js';
import type { LatencySink } from '../stats/streaming-stats-collector.service.js';
import type { PromClient } from './load-prom-client.js';
import { DEFAULT_LATENCY_BUCKETS } from './latency-buckets.js';

/**
 * The handshake and per-message latency histograms, fed through the stats collector's
 * {@link LatencySink}. Label children are looked up once per label set and kept.
 */
export class LatencyHistograms implements LatencySink {
  private readonly handshakes: Histogram<'protocol' | 'outcome'>;
  private readonly messages: Histogram<'event'>;
  private readonly handshakeChildren = new Map<string, { observe(value: number): void }>();
  private readonly messageChildren = new Map<string, { observe(value: number): void }>();

  constructor(
    prom: PromClient,
    registers: Registry[],
    prefix: string,
    buckets: readonly number[] = DEFAULT_LATENCY_BUCKETS,
  ) {
    this.handshakes = new prom.Histogram({
      name: `${prefix}handshake_duration_seconds`,
      help: 'Time from the first check of a connection attempt to its acceptance or refusal.',
      labelNames: ['protocol', 'outcome'],
      buckets: [...buckets],
      registers,
    });
    this.messages = new prom.Histogram({
      name: `${prefix}message_handler_duration_seconds`,
      help: 'Time a gateway message handler takes, from its call to its settled reply.',
      labelNames: ['event'],
      buckets: [...buckets],
      registers,
    });
  }

  /** The histograms, for registration bookkeeping. */
  get metrics(): readonly Histogram<string>[] {
    return [this.handshakes, this.messages];
  }

  handshake(protocol: StreamingProtocol, accepted: boolean, seconds: number): void {
    const outcome = accepted ? 'accepted' : 'refused';
    const key = `${protocol} ${outcome}`;
    let child = this.handshakeChildren.get(key);
    if (!child) {
      child = this.handshakes.labels({ protocol, outcome });
      this.handshakeChildren.set(key, child);
    }
    child.observe(seconds);
  }

  message(event: string, seconds: number): void {
    let child = this.messageChildren.get(event);
    if (!child) {
      child = this.messages.labels({ event });
      this.messageChildren.set(event, child);
    }
    child.observe(seconds);
  }
}
