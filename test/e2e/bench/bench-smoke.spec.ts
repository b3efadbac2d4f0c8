import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const benchDir = join(import.meta.dirname, '..', '..', '..', 'bench');

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 230_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

test(
  'the benchmark harness runs every scenario on a tiny size and writes well-formed JSON, Markdown and SVG',
  { timeout: 480_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-bench-'));
    try {
      const json = join(dir, 'tiny.json');
      const bench = await run([
        join(benchDir, 'runner.js'),
        '--mode',
        'tiny',
        '--only',
        'forge,ws-naive,http-sse',
        '--out',
        json,
      ]);
      assert.equal(bench.code, 0, `runner failed:\n${bench.output}`);
      const results = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown> & {
        scenarios: Record<string, unknown>;
        ratios: Record<string, unknown>[];
      };
      assert.equal(results.schema, 1);
      assert.equal(results.mode, 'tiny');
      for (const name of ['echo', 'fanout', 'idle', 'sse', 'handshake', 'slowConsumer']) {
        const rows = results.scenarios[name];
        assert.ok(Array.isArray(rows) && rows.length > 0, `scenario ${name} has rows`);
        for (const row of rows as Record<string, unknown>[]) {
          assert.equal(
            row.error,
            undefined,
            `${name} ${String(row.contender)} failed: ${String(row.error)}`,
          );
          assert.ok(typeof row.contender === 'string');
        }
      }
      const echo = results.scenarios.echo as Record<string, unknown>[];
      assert.ok(echo.every((r) => isNumber(r.roundTripsPerSec) && isNumber(r.p99Ms)));
      assert.ok(
        echo.some((r) => (r.roundTrips as number) > 0),
        'echo made round trips',
      );
      for (const row of echo) {
        const cpu = row.cpu as Record<string, unknown> | undefined;
        assert.ok(cpu, `echo ${String(row.contender)} has a CPU breakdown`);
        for (const key of [
          'sampledMs',
          'idleMs',
          'frameworkMs',
          'wsMs',
          'nodeMs',
          'nativeMs',
          'gcMs',
        ]) {
          assert.ok(isNumber(cpu[key]) && cpu[key] >= 0, `cpu.${key}`);
        }
        assert.ok((cpu.sampledMs as number) > 0, 'the profile recorded samples');
      }
      const fanout = results.scenarios.fanout as Record<string, unknown>[];
      assert.ok(
        fanout.every((r) => isNumber(r.deliveriesPerSec) && isNumber(r.deliveriesPerServerCpuSec)),
      );
      assert.ok(
        fanout.every((r) => (r.deliveries as number) > 0),
        'fan-out delivered',
      );
      for (const row of fanout) {
        const depths = row.depths as Record<string, unknown>[];
        assert.deepEqual(
          depths.map((d) => d.broadcastWindow),
          [4, 16],
          'every in-flight depth of the run was measured',
        );
        assert.ok(depths.every((d) => d.lost === 0 && (d.deliveries as number) > 0));
        const best = Math.max(...depths.map((d) => d.deliveriesPerSec as number));
        assert.equal(row.deliveriesPerSec, best, 'the row is the best depth');
      }
      const handshake = results.scenarios.handshake as Record<string, unknown>[];
      assert.ok(
        handshake.every((r) => r.refusedWithoutToken === true),
        'guarded routes refuse without token',
      );
      const webTransport = results.scenarios.webTransport as { status: string; rows: unknown[] };
      assert.ok(['measured', 'failed'].includes(webTransport.status));
      assert.ok(Array.isArray(webTransport.rows));
      assert.ok(results.ratios.length > 0);
      for (const ratio of results.ratios) {
        assert.ok(isNumber(ratio.target));
        assert.ok(ratio.value === null || isNumber(ratio.value));
      }

      const md = join(dir, 'BENCHMARKS.md');
      const svg = join(dir, 'chart.svg');
      const render = await run([join(benchDir, 'report', 'render.js'), json, md, svg]);
      assert.equal(render.code, 0, `render failed:\n${render.output}`);
      const markdown = readFileSync(md, 'utf8');
      assert.match(markdown, /^# Benchmarks/);
      assert.match(markdown, /## \(h\) Where the server's CPU goes \(echo\)/);
      assert.match(
        readFileSync(svg, 'utf8'),
        /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
