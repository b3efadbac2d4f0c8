/**
 * Benchmark runner (the load generator). Usage:
 *   node dist/bench/runner.js --mode quick|full|tiny [--out file.json]
 *     [--only forge,ws-naive]
 *     [--scenarios echo,fanout,idle,sse,handshake,slow,webtransport,gateway-echo,gateway-broadcast,
 *       rest-broadcast,reconnect-storm,scale-out]
 *     [--profile forge --profile-dir dir]
 * Each contender's server runs in its own process; this process opens the clients.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sizesFor } from './bench-config.js';
import { computeRatios } from './report/ratios.js';
import { computeGatewayRatios } from './report/gateway-ratios.js';
import { computeRestRatios } from './report/rest-ratios.js';
import type { BenchResults, MachineInfo } from './report/bench-results.js';
import { runEcho } from './scenarios/echo.scenario.js';
import { runFanout } from './scenarios/fanout.scenario.js';
import { runGatewayBroadcast } from './scenarios/gateway-broadcast.scenario.js';
import { runGatewayEcho } from './scenarios/gateway-echo.scenario.js';
import { runHandshake } from './scenarios/handshake.scenario.js';
import { runIdle } from './scenarios/idle.scenario.js';
import type { ScenarioContext } from './scenarios/scenario-context.js';
import { runRestBroadcast } from './scenarios/rest-broadcast.scenario.js';
import { runReconnectStorm } from './scenarios/reconnect-storm.scenario.js';
import { runScaleOut } from './scenarios/scale-out.scenario.js';
import { runSlowConsumer } from './scenarios/slow-consumer.scenario.js';
import { runSseFanout } from './scenarios/sse-fanout.scenario.js';
import { runWebTransport } from './scenarios/web-transport.scenario.js';
import { loadCpus, withLoadPinned } from './load/load-cpu-pinning.js';
import { serverNodeFlags } from './load/server-process.js';
import { loadUws } from './server/uws.server.js';
import { CONTENDERS, isContenderId, type ContenderId } from './server/contenders.js';

const ALL_SCENARIOS = [
  'echo',
  'fanout',
  'idle',
  'sse',
  'handshake',
  'slow',
  'webtransport',
  'gateway-echo',
  'gateway-broadcast',
  'rest-broadcast',
  'reconnect-storm',
  'scale-out',
];

function openFilesLimit(): string {
  try {
    return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function machine(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    kernel: release(),
    openFilesLimit: openFilesLimit(),
    serverCpu: process.env.BENCH_SERVER_CPU || undefined,
    loadCpus: loadCpus(),
    serverNodeFlags: serverNodeFlags(),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'quick' },
      out: { type: 'string' },
      only: { type: 'string' },
      scenarios: { type: 'string' },
      profile: { type: 'string' },
      'profile-dir': { type: 'string' },
    },
  });
  const mode = values.mode ?? 'quick';
  const sizes = sizesFor(mode);
  const out = resolve(values.out ?? `bench/results/${mode}.json`);
  const notes: string[] = [];
  let contenders = Object.keys(CONTENDERS).filter(isContenderId);
  if (values.only) {
    const wanted = values.only.split(',');
    contenders = contenders.filter((id) => wanted.includes(id));
  }
  if (!loadUws()) {
    contenders = contenders.filter((id) => id !== 'uws');
    notes.push('uWebSockets.js was left out: its native binary does not load on this machine.');
  } else {
    notes.push(
      'uWebSockets.js (@trufflesuite/uws-js-unofficial) loads here and runs as the ceiling.',
    );
  }
  const scenarios = values.scenarios ? values.scenarios.split(',') : ALL_SCENARIOS;
  const profileIds = (values.profile ?? '').split(',').filter(isContenderId) as ContenderId[];
  const context: ScenarioContext = {
    sizes,
    contenders,
    profile:
      profileIds.length > 0
        ? { contenders: profileIds, dir: resolve(values['profile-dir'] ?? 'bench/profiles') }
        : undefined,
    log: (line) => console.log(line),
  };
  const started = Date.now();
  const results: {
    -readonly [K in keyof BenchResults['scenarios']]: BenchResults['scenarios'][K];
  } = {};
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    if (!scenarios.includes(name)) return undefined;
    console.log(`[${name}]`);
    const begun = Date.now();
    const result = await run();
    console.log(`  (${name}: ${Math.round((Date.now() - begun) / 1000)} s)`);
    return result;
  };
  results.echo = await step('echo', () => withLoadPinned(() => runEcho(context)));
  results.fanout = await step('fanout', () => runFanout(context));
  results.idle = await step('idle', () => runIdle(context));
  results.sse = await step('sse', () => runSseFanout(context));
  results.handshake = await step('handshake', () => runHandshake(context));
  results.slowConsumer = await step('slow', () => runSlowConsumer(context));
  results.webTransport = await step('webtransport', () =>
    withLoadPinned(() => runWebTransport(context)),
  );
  results.gatewayEcho = await step('gateway-echo', () =>
    withLoadPinned(() => runGatewayEcho(context)),
  );
  results.gatewayBroadcast = await step('gateway-broadcast', () => runGatewayBroadcast(context));
  results.restBroadcast = await step('rest-broadcast', () => runRestBroadcast(context));
  results.reconnectStorm = await step('reconnect-storm', () => runReconnectStorm(context));
  results.scaleOut = await step('scale-out', () => runScaleOut(context));
  const report: BenchResults = {
    schema: 1,
    mode,
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: machine(),
    contenders: Object.fromEntries(contenders.map((id) => [id, CONTENDERS[id].label])),
    scenarios: results,
    ratios: [
      ...computeRatios(results),
      ...computeGatewayRatios(results),
      ...computeRestRatios(results, mode),
    ],
    notes,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Results written to ${out} (${report.durationSeconds} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
