import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Metric, Registry } from 'prom-client';
import type { ResolvedStreamingConfig } from '../interfaces/streaming-config.interface.js';
import type { StreamingStats } from '../interfaces/streaming-stats.interface.js';
import { StreamingManager } from '../manager/streaming-manager.service.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import { STREAMING_RESOLVED_CONFIG } from '../streaming.constants.js';
import { loadPromClient, type PromClient } from './load-prom-client.js';
import { LatencyHistograms } from './latency-histograms.js';

/** Default prefix of every metric name. */
export const DEFAULT_METRICS_PREFIX = 'forge_streaming_';

/** Counters read from the stats snapshot at scrape time: name suffix, help, field. */
const COUNTERS: readonly (readonly [string, string, (stats: StreamingStats) => number])[] = [
  ['connections_opened_total', 'Connections accepted.', (s) => s.connectionsOpened],
  ['connections_closed_total', 'Connections closed.', (s) => s.connectionsClosed],
  ['messages_received_total', 'Messages received from clients.', (s) => s.messagesIn],
  ['messages_sent_total', 'Messages written to clients (each delivery).', (s) => s.messagesOut],
  ['received_bytes_total', 'Payload bytes received from clients.', (s) => s.bytesIn],
  ['sent_bytes_total', 'Bytes written to clients, framing included.', (s) => s.bytesOut],
  ['broadcasts_total', 'Broadcasts issued on this instance.', (s) => s.broadcasts],
  [
    'slow_consumer_dropped_messages_total',
    'Messages dropped by the slow-consumer policy.',
    (s) => s.droppedMessages,
  ],
  [
    'slow_consumer_disconnects_total',
    'Connections closed by the slow-consumer policy.',
    (s) => s.slowConsumerDisconnects,
  ],
  ['errors_total', 'Handler and transport errors.', (s) => s.errors],
];

const ADAPTER_STATES = ['up', 'degraded', 'down'] as const;

/**
 * The instance's Prometheus metrics (`metrics.enabled`). Hot paths only bump the plain fields of
 * the stats collector; counters and gauges are read from one snapshot when the registry is
 * scraped, and the latency histograms observe through a sink installed only while metrics are on.
 * Cluster-wide figures stay in `StreamingManager.getClusterStats()`.
 */
@Injectable()
export class StreamingMetrics implements OnModuleInit, OnModuleDestroy {
  private registry: Registry | undefined;
  private readonly registered: Metric[] = [];
  private snapshotCache: StreamingStats | undefined;

  constructor(
    @Inject(STREAMING_RESOLVED_CONFIG) private readonly config: ResolvedStreamingConfig,
    @Inject(StreamingManager) private readonly manager: StreamingManager,
    @Inject(StreamingStatsCollector) private readonly stats: StreamingStatsCollector,
  ) {}

  /** Whether metrics are registered. */
  get enabled(): boolean {
    return this.registry !== undefined;
  }

  /** The exposition format's content type (of the registry in use). */
  get contentType(): string {
    return this.registry?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8';
  }

  onModuleInit(): void {
    const options = this.config.metrics;
    if (!options?.enabled) return;
    const prom = loadPromClient();
    // A registry passed in is a prom-client `Registry` (metrics register in it); the config types
    // it structurally so that the package types need no prom-client.
    this.registry = (options.registry as Registry | undefined) ?? prom.register;
    this.define(prom, this.registry, options.prefix ?? DEFAULT_METRICS_PREFIX, options.buckets);
  }

  onModuleDestroy(): void {
    this.stats.latency = undefined;
    const registry = this.registry;
    if (!registry) return;
    for (const metric of this.registered) {
      registry.removeSingleMetric((metric as unknown as { name: string }).name);
    }
    this.registered.length = 0;
    this.registry = undefined;
  }

  /** The registry's metrics in the Prometheus text format (every metric of that registry). */
  async metrics(): Promise<string> {
    if (!this.registry) return '';
    return this.registry.metrics();
  }

  private define(prom: PromClient, registry: Registry, prefix: string, buckets?: number[]): void {
    const registers = [registry];
    const read = () => this.snapshot();
    const add = <M extends Metric>(metric: M) => {
      this.registered.push(metric);
      return metric;
    };
    add(
      new prom.Gauge({
        name: `${prefix}connections`,
        help: 'Open connections by protocol and route.',
        labelNames: ['protocol', 'route'],
        registers,
        collect() {
          this.reset();
          for (const [key, count] of Object.entries(read().byRoute)) {
            const space = key.indexOf(' ');
            this.set({ protocol: key.slice(0, space), route: key.slice(space + 1) }, count);
          }
        },
      }),
    );
    add(
      new prom.Counter({
        name: `${prefix}connections_rejected_total`,
        help: 'Refused connection attempts by reason.',
        labelNames: ['reason'],
        registers,
        collect() {
          this.reset();
          const { total: _total, ...byReason } = read().rejected;
          for (const [reason, count] of Object.entries(byReason)) this.inc({ reason }, count);
        },
      }),
    );
    for (const [suffix, help, field] of COUNTERS) {
      add(
        new prom.Counter({
          name: `${prefix}${suffix}`,
          help,
          registers,
          collect() {
            this.reset();
            this.inc(field(read()));
          },
        }),
      );
    }
    const manager = this.manager;
    add(
      new prom.Gauge({
        name: `${prefix}adapter_health`,
        help: "The adapter backend's health: 1 for the current state, 0 for the others.",
        labelNames: ['state'],
        registers,
        collect() {
          const state = manager.health().status;
          for (const name of ADAPTER_STATES) this.set({ state: name }, name === state ? 1 : 0);
        },
      }),
    );
    const latency = new LatencyHistograms(prom, registers, prefix, buckets);
    for (const metric of latency.metrics) add(metric);
    this.stats.latency = latency;
  }

  /** One stats snapshot per scrape: the collectors of a scrape run in the same tick. */
  private snapshot(): StreamingStats {
    if (this.snapshotCache) return this.snapshotCache;
    const snapshot = this.manager.getStats();
    this.snapshotCache = snapshot;
    queueMicrotask(() => (this.snapshotCache = undefined));
    return snapshot;
  }
}
