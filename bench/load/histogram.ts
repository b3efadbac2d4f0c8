import * as hdr from 'hdr-histogram-js';

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function emptyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** A latency histogram recording microseconds (HdrHistogram, 3 significant digits). */
export class LatencyHistogram {
  /** @param histogram the recorded values (omit: none yet). */
  constructor(private readonly histogram: hdr.Histogram = emptyHistogram()) {}

  /** A histogram sent from another thread by {@link encode}. */
  static decode(encoded: string): LatencyHistogram {
    const histogram = emptyHistogram();
    histogram.add(hdr.decodeFromCompressedBase64(encoded));
    return new LatencyHistogram(histogram);
  }

  /** Records one latency given in milliseconds. */
  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  /** Adds every latency recorded in `other`. */
  add(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
  }

  /** The recorded latencies as a string (compressed HdrHistogram), for another thread. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.histogram);
  }

  /** Percentiles in milliseconds (three decimals). */
  summary(): LatencySummary {
    const ms = (micros: number) => Math.round(micros) / 1000;
    return {
      count: this.histogram.totalCount,
      p50Ms: ms(this.histogram.getValueAtPercentile(50)),
      p99Ms: ms(this.histogram.getValueAtPercentile(99)),
      maxMs: ms(this.histogram.maxValue),
    };
  }
}
