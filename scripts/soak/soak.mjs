// `npm run soak`: a bounded run (SOAK_MINUTES, default 10) of two sample instances on a private
// Redis (append-only, fsync always) with chat, echo churn, SSE resumes, a Redis restart and a SIGTERM/restart of one
// instance; writes SOAK.md. Needs `npm run build` and redis-server on the PATH. SOAK_DUMP=<file>
// also writes every missing message and recovery outcome as JSON.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, SampleInstance, SoakRedis } from './processes.mjs';
import { ChatTraffic, echoOnce, SseResumer } from './workload.mjs';
import { writeReport } from './report.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const minutes = Number(process.env.SOAK_MINUTES ?? 10);
if (!(minutes > 0 && minutes <= 240))
  throw new Error(`SOAK_MINUTES=${process.env.SOAK_MINUTES}: 0 < minutes ≤ 240`);
if (!existsSync(`${root}dist/sample/main.js`)) throw new Error('Run `npm run build` first.');

const durationMs = minutes * 60_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const startedAt = Date.now();
const seconds = () => Math.round((Date.now() - startedAt) / 1000);
const log = (line) => console.log(`[soak ${String(seconds()).padStart(4)} s] ${line}`);

const redis = new SoakRedis(await freePort());
await redis.start();
const env = {
  REDIS_URL: redis.url,
  JWT_SECRET: 'soak-secret-for-this-run-only',
  WT_ENABLED: 'false',
  TICK_MS: '250',
  NODE_ENV: 'development',
};
const a = new SampleInstance('A', await freePort(), { ...env, TICKER: 'true' });
const b = new SampleInstance('B', await freePort(), { ...env, TICKER: 'false' });
await Promise.all([a.start(), b.start()]);
const instances = [a, b];
log(`instances A :${a.port}, B :${b.port}, Redis :${redis.port}`);

const chat = new ChatTraffic(instances, ['soak-0', 'soak-1'], 2);
await chat.start();
const sse = new SseResumer(b);
sse.open();
log('traffic started');

const events = [];
const windows = [];
const samples = [];
const echo = { ok: 0, failed: 0, failedInWindows: 0, outcomes: {} };
let stopping = false;
const inWindow = () =>
  windows.some((w) => Date.now() >= w.from && Date.now() <= (w.to ?? Infinity));

const loops = [
  (async () => {
    while (!stopping) {
      chat.tick();
      await sleep(250);
    }
  })(),
  (async () => {
    let n = 0;
    while (!stopping) {
      const target = instances[n % 2];
      n += 1;
      if (!target.running) {
        await sleep(50);
        continue;
      }
      const outcome = await echoOnce(target.port, `echo ${n}`);
      if (outcome === 'ok') echo.ok += 1;
      else {
        echo.failed += 1;
        if (inWindow()) echo.failedInWindows += 1;
        echo.outcomes[outcome] = (echo.outcomes[outcome] ?? 0) + 1;
      }
      await sleep(20);
    }
  })(),
  (async () => {
    while (!stopping) {
      await sleep(4_000);
      if (b.running) sse.cycle();
    }
  })(),
  (async () => {
    while (!stopping) {
      samples.push({
        t: seconds(),
        A: a.memory,
        B: b.memory,
        acked: chat.acked.length,
        echoOk: echo.ok,
        echoFailed: echo.failed,
      });
      await sleep(Math.max(2_000, Math.round(durationMs / 90)));
    }
  })(),
];

async function fault(at, name, action) {
  await sleep(Math.max(0, startedAt + at - Date.now()));
  if (stopping) return;
  const window = { name, from: Date.now(), to: undefined };
  windows.push(window);
  await action();
  // Deliveries and recoveries settle within a few seconds of the end of a fault.
  window.to = Date.now() + 5_000;
}

const faults = (async () => {
  await fault(durationMs * 0.35, 'Redis restart', async () => {
    await redis.kill();
    events.push({ t: seconds(), what: 'redis-server killed (SIGKILL)' });
    log('Redis killed');
    await sleep(2_000);
    await redis.start();
    events.push({ t: seconds(), what: 'redis-server started again (append-only file replayed)' });
    log('Redis back');
  });
  await fault(durationMs * 0.65, 'B restart', async () => {
    const exitMs = await b.stop('SIGTERM');
    events.push({ t: seconds(), what: `instance B: SIGTERM, exited after ${exitMs} ms` });
    log(`B exited after ${exitMs} ms`);
    await sleep(1_000);
    await b.start();
    b.restarts += 1;
    events.push({ t: seconds(), what: 'instance B started again' });
    log('B back');
  });
})();

await sleep(durationMs);
stopping = true;
await Promise.all([...loops, faults]);
log('traffic stopped; letting deliveries settle');
await sleep(5_000);
const losses = chat.losses(windows.map((w) => ({ ...w, to: w.to ?? Date.now() })));
chat.close();
sse.close();
const byWindow = {};
for (const miss of losses.missing)
  byWindow[miss.window ?? 'outside faults'] = (byWindow[miss.window ?? 'outside faults'] ?? 0) + 1;

const firstA = samples.find((s) => s.A && s.t >= 30)?.A;
const lastA = [...samples].reverse().find((s) => s.A)?.A;
const summary = [
  ['duration', `${minutes} min`],
  ['chat messages acknowledged', chat.acked.length],
  ['chat requests not acknowledged (sender cut or timed out)', chat.unacked],
  [
    'chat requests refused with an error reply (not accepted; sent again later)',
    Object.entries(chat.refused)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || '0',
  ],
  ['chat messages sent again after a refusal', chat.retried],
  [
    'refused messages still waiting for a retry at the end',
    chat.senders.reduce((n, s) => n + s.retry.length, 0),
  ],
  [
    'receiver × acked message pairs expected',
    (chat.receivers.length * chat.acked.length) / chat.rooms.length,
  ],
  [
    'acked messages not delivered nor recovered, outside fault windows',
    byWindow['outside faults'] ?? 0,
  ],
  ...windows.map((w) => [
    `acked messages not delivered nor recovered, sent during "${w.name}"`,
    byWindow[w.name] ?? 0,
  ]),
  ['receiver recoveries (`recovered` events)', losses.recoveries],
  ['of which `recovered: false` (explicit gap)', losses.recoveryGaps],
  ['echo round trips ok', echo.ok],
  ['echo failures (handshake or echo), total', echo.failed],
  ['echo failures during fault windows', echo.failedInWindows],
  [
    'echo failure kinds',
    Object.entries(echo.outcomes)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || '—',
  ],
  ['SSE events received', sse.events],
  ['SSE resumes with Last-Event-ID', sse.resumes],
  ['SSE `stream-reset` events', sse.resets],
  ['SSE request failures', sse.failures],
  [
    'A heap after warm-up → end (MiB)',
    `${(firstA?.heapUsed / 2 ** 20).toFixed(1)} → ${(lastA?.heapUsed / 2 ** 20).toFixed(1)}`,
  ],
  [
    'A rss after warm-up → end (MiB)',
    `${(firstA?.rss / 2 ** 20).toFixed(1)} → ${(lastA?.rss / 2 ** 20).toFixed(1)}`,
  ],
];
if (process.env.SOAK_DUMP) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    process.env.SOAK_DUMP,
    JSON.stringify(
      {
        startedAt,
        windows,
        events,
        missing: losses.missing.map((m) => ({
          ...m,
          t: Math.round((chat.acked.find((x) => x.text === m.text).at - startedAt) / 1000),
        })),
        outcomes: chat.receivers.map((r) => ({
          name: r.name,
          outcomes: r.outcomes.map((o) => ({ ...o, t: Math.round((o.at - startedAt) / 1000) })),
        })),
      },
      null,
      1,
    ),
  );
}
writeReport(`${root}SOAK.md`, { minutes, startedAt, samples, events, summary });
for (const [name, value] of summary) log(`${name}: ${value}`);
await Promise.all([a.stop(), b.stop()]);
await redis.kill();
redis.dispose();
log('SOAK.md written');
process.exit(0);
