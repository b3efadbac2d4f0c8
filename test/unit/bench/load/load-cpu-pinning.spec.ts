import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { loadCpus, withLoadPinned } from '../../../../bench/load/load-cpu-pinning.js';

function affinity(): string {
  const out = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
  return out.trim().split(/\s+/).pop() ?? '';
}

const hasTaskset = ((): boolean => {
  try {
    affinity();
    return true;
  } catch {
    return false;
  }
})();

test('loadCpus reads BENCH_LOAD_CPUS, empty meaning unpinned', () => {
  const saved = process.env.BENCH_LOAD_CPUS;
  try {
    process.env.BENCH_LOAD_CPUS = ' 0 ';
    assert.equal(loadCpus(), '0');
    process.env.BENCH_LOAD_CPUS = '';
    assert.equal(loadCpus(), undefined);
    delete process.env.BENCH_LOAD_CPUS;
    assert.equal(loadCpus(), undefined);
  } finally {
    if (saved === undefined) delete process.env.BENCH_LOAD_CPUS;
    else process.env.BENCH_LOAD_CPUS = saved;
  }
});

test(
  'withLoadPinned pins the process for the scenario and restores its affinity, even on a throw',
  { skip: !hasTaskset || cpus().length < 2 ? 'needs taskset and two CPUs' : false },
  async () => {
    const saved = process.env.BENCH_LOAD_CPUS;
    const before = affinity();
    try {
      process.env.BENCH_LOAD_CPUS = '0';
      const inside = await withLoadPinned(async () => affinity());
      assert.equal(inside, '0');
      assert.equal(affinity(), before);
      await assert.rejects(
        withLoadPinned(async () => {
          assert.equal(affinity(), '0');
          throw new Error('scenario failed');
        }),
        /scenario failed/,
      );
      assert.equal(affinity(), before);
    } finally {
      if (saved === undefined) delete process.env.BENCH_LOAD_CPUS;
      else process.env.BENCH_LOAD_CPUS = saved;
    }
  },
);
