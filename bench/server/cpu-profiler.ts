import { Session } from 'node:inspector/promises';
import { breakdownOf, type CpuBreakdown, type CpuProfile } from '../report/cpu-breakdown.js';
import { topSelfFrames } from '../report/top-frames.js';

/** Samples every 100 µs: fine enough for a few-second window, cheap enough not to dominate it. */
const SAMPLING_INTERVAL_MICROS = 100;

/**
 * Records a CPU profile of this server process for one window, through the inspector (no
 * restart, no file): `start()` before the window, `stop()` after it.
 */
export class CpuProfiler {
  private session: Session | undefined;

  async start(): Promise<void> {
    if (this.session) return;
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_MICROS });
    await session.post('Profiler.start');
    this.session = session;
  }

  /** Stops recording; returns where the time went. */
  async stop(): Promise<CpuBreakdown> {
    const session = this.session;
    if (!session) throw new Error('The profiler was not started');
    this.session = undefined;
    try {
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      return { ...breakdownOf(profile), topFrames: topSelfFrames(profile, 8) };
    } finally {
      session.disconnect();
    }
  }
}
