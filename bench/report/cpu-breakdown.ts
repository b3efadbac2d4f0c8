import type { TopFrame } from './top-frames.js';
import type { CpuProfile } from './cpu-profile.js';
export type { CpuProfile } from './cpu-profile.js';

/** Where a server's CPU time went while a profile was recorded, in milliseconds of samples. */
export interface CpuBreakdown {
  /** Everything recorded, idle included. */
  readonly sampledMs: number;
  /** Waiting in the event loop. */
  readonly idleMs: number;
  /** JavaScript of the server itself: the library or framework, its packages, the app. */
  readonly frameworkMs: number;
  /** The `ws` package (and `bufferutil`): frame parsing and building. */
  readonly wsMs: number;
  /** Node.js's own JavaScript (`node:net`, streams, events, timers). */
  readonly nodeMs: number;
  /** Native code: system calls (`writev`, reads), V8 and libuv work (`(program)`). */
  readonly nativeMs: number;
  /** Garbage collection. */
  readonly gcMs: number;
  /** The functions with the most self time, when the profiler recorded them. */
  readonly topFrames?: readonly TopFrame[];
}

type Category = 'idle' | 'framework' | 'ws' | 'node' | 'native' | 'gc' | 'none';

function categoryOf(functionName: string, url: string): Category {
  if (url === '') {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(root)') return 'none';
    return 'native';
  }
  if (url.startsWith('node:')) return 'node';
  if (/[/\\]node_modules[/\\](ws|bufferutil|utf-8-validate)[/\\]/.test(url)) return 'ws';
  return 'framework';
}

const round1 = (micros: number) => Math.round(micros / 100) / 10;

/** Sums a profile's samples by {@link CpuBreakdown} category. */
export function breakdownOf(profile: CpuProfile): CpuBreakdown {
  const categories = new Map<number, Category>();
  for (const node of profile.nodes) {
    categories.set(node.id, categoryOf(node.callFrame.functionName, node.callFrame.url));
  }
  const micros: Record<Category, number> = {
    idle: 0,
    framework: 0,
    ws: 0,
    node: 0,
    native: 0,
    gc: 0,
    none: 0,
  };
  profile.samples.forEach((id, index) => {
    micros[categories.get(id) ?? 'none'] += profile.timeDeltas[index] ?? 0;
  });
  const sampled = Object.values(micros).reduce((sum, value) => sum + value, 0);
  return {
    sampledMs: round1(sampled),
    idleMs: round1(micros.idle),
    frameworkMs: round1(micros.framework),
    wsMs: round1(micros.ws),
    nodeMs: round1(micros.node),
    nativeMs: round1(micros.native + micros.none),
    gcMs: round1(micros.gc),
  };
}

/** Busy time of a breakdown: everything but idle. */
export function busyMs(breakdown: CpuBreakdown): number {
  return (
    breakdown.frameworkMs + breakdown.wsMs + breakdown.nodeMs + breakdown.nativeMs + breakdown.gcMs
  );
}
