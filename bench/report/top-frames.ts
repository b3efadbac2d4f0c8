import type { CpuProfile } from './cpu-profile.js';

/** One function of a profile and the time it spent itself (not in what it called). */
export interface TopFrame {
  /** `name file:line`, the file shortened to what follows `node_modules/` or `dist/`. */
  readonly frame: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) samples. */
  readonly share: number;
}

/** The `count` functions with the most self time in a profile, idle left out. */
export function topSelfFrames(profile: CpuProfile, count: number): TopFrame[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    const delta = profile.timeDeltas[index] ?? 0;
    busy += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}` : '';
    const frame = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(frame, (self.get(frame) ?? 0) + delta);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, micros]) => ({
      frame,
      selfMs: Math.round(micros / 100) / 10,
      share: busy > 0 ? Math.round((1000 * micros) / busy) / 1000 : 0,
    }));
}
