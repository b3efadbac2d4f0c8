import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { TestWebSocket } from './ws-client.js';

const root = resolve(import.meta.dirname, '..', '..', '..', '..');
const main = resolve(root, 'dist', 'sample', 'main.js');

test('SIGTERM: node dist/sample/main.js closes open WebSockets with 1001 and exits 0', async () => {
  // In-memory: the test runner's REDIS_URL is not passed on.
  const { REDIS_URL: _redis, ...env } = process.env;
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...env, PORT: '0', HOST: '127.0.0.1', WT_PORT: '0', TICK_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const port = await new Promise<number>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL printed in 30 s:\n${output}`)), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on http:\/\/[^:\s]+:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          done(Number(match[1]));
        }
      });
      child.once('exit', () => fail(new Error(`the sample exited early:\n${output}`)));
    });
    assert.match(output, /\/ws\/echo/);
    const client = await TestWebSocket.open(`ws://127.0.0.1:${port}/ws/echo`);
    assert.equal((await client.next()).text, 'Connected to WebSocket');

    child.kill('SIGTERM');
    const { code } = await client.closed;
    assert.equal(code, 1001);
    const exit = await exited;
    assert.deepEqual(exit, { code: 0, signal: null }, output);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
});
