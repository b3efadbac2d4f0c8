import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '..', '..', '..', '..');
const main = resolve(root, 'dist', 'sample', 'main.js');

interface SampleRun {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: () => string;
  readonly stderr: () => string;
  readonly kill: (signal: NodeJS.Signals) => void;
  readonly running: () => boolean;
}

/** Starts `node dist/sample/main.js` in memory, without WebTransport, with `env` on top. */
function startSample(env: Record<string, string | undefined>): SampleRun {
  const { REDIS_URL: _redis, NODE_ENV: _mode, JWT_SECRET: _secret, ...inherited } = process.env;
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', WT_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return {
    exit,
    output: () => output,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(what())), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        done(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        fail(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

async function listening(run: SampleRun): Promise<void> {
  const started = new Promise<void>((done, fail) => {
    const poll = setInterval(() => {
      if (/listening on http:\/\//.test(run.output())) {
        clearInterval(poll);
        done();
      } else if (!run.running()) {
        clearInterval(poll);
        fail(new Error(`the sample exited early:\n${run.output()}`));
      }
    }, 50);
  });
  await within(started, 30_000, () => `no URL printed in 30 s:\n${run.output()}`);
}

test('NODE_ENV=production with the default secret: the sample exits 1 with one clear line', async () => {
  const run = startSample({ NODE_ENV: 'production' });
  try {
    const exit = await within(run.exit, 30_000, () => `still running after 30 s:\n${run.output()}`);
    assert.deepEqual(exit, { code: 1, signal: null }, run.output());
    assert.match(run.stderr(), /Refusing to start: NODE_ENV=production and JWT_SECRET/);
    assert.equal(run.stderr().trim().split('\n').length, 1, run.stderr());
    assert.doesNotMatch(run.output(), /listening on/);
  } finally {
    if (run.running()) run.kill('SIGKILL');
    await run.exit;
  }
});

test('NODE_ENV=production with JWT_SECRET=dev-secret spelled out is refused too', async () => {
  const run = startSample({ NODE_ENV: 'production', JWT_SECRET: 'dev-secret' });
  try {
    const exit = await within(run.exit, 30_000, () => `still running after 30 s:\n${run.output()}`);
    assert.equal(exit.code, 1, run.output());
    assert.match(run.stderr(), /Refusing to start/);
  } finally {
    if (run.running()) run.kill('SIGKILL');
    await run.exit;
  }
});

test('without NODE_ENV=production the default secret starts, saying so in one line', async () => {
  const run = startSample({});
  try {
    await listening(run);
    const notices = run.output().match(/default secret "dev-secret"/g) ?? [];
    assert.equal(notices.length, 1, run.output());
    run.kill('SIGTERM');
    assert.equal((await run.exit).code, 0, run.output());
  } finally {
    if (run.running()) run.kill('SIGKILL');
    await run.exit;
  }
});

test('NODE_ENV=production with a secret of its own starts without the notice', async () => {
  const run = startSample({
    NODE_ENV: 'production',
    JWT_SECRET: 'a-long-random-secret-for-this-test',
  });
  try {
    await listening(run);
    assert.doesNotMatch(run.output(), /default secret/);
    run.kill('SIGTERM');
    assert.equal((await run.exit).code, 0, run.output());
  } finally {
    if (run.running()) run.kill('SIGKILL');
    await run.exit;
  }
});

test('jwtSecretNotice: a secret of its own is silent, the default is named, production refuses it', async () => {
  const { jwtSecretNotice, DefaultSecretInProductionError } =
    await import('../../../sample/config/jwt-secret-policy.js');
  assert.equal(jwtSecretNotice({ JWT_SECRET: 'own' }), undefined);
  assert.equal(jwtSecretNotice({ JWT_SECRET: 'own', NODE_ENV: 'production' }), undefined);
  assert.match(jwtSecretNotice({}) ?? '', /default secret "dev-secret"/);
  assert.match(jwtSecretNotice({ JWT_SECRET: '', NODE_ENV: 'development' }) ?? '', /default/);
  assert.throws(() => jwtSecretNotice({ NODE_ENV: 'production' }), DefaultSecretInProductionError);
  assert.throws(
    () => jwtSecretNotice({ NODE_ENV: ' Production ', JWT_SECRET: 'dev-secret' }),
    DefaultSecretInProductionError,
  );
});
